def make_prompt(context):
    vars = context["vars"]
    return f"List three strengths of {vars['language']}."
