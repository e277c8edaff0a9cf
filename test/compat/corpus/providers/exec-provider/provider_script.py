import sys
print('Exec says: ' + sys.argv[1])
