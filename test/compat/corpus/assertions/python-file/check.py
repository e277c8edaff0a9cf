def get_assert(output, context):
    return 'moon' in output
