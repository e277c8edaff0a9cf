def call_api(prompt, options, context):
    return {'output': 'Python says: ' + prompt}
