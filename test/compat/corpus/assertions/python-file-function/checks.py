def check_length(output, context):
    return {'pass': len(output) > 20, 'score': 0.75, 'reason': 'length ok'}
