import os


def handler(event, context):
    if event.get("fail"):
        raise ValueError("asked to fail")
    print("python handler", context.aws_request_id)
    return {
        "runtime": "python",
        "event": event,
        "requestId": context.aws_request_id,
        "functionName": context.function_name,
        "arn": context.invoked_function_arn,
        "remainingMs": context.get_remaining_time_in_millis(),
        "clientContext": context.client_context.custom if context.client_context else None,
        "trace": os.environ.get("_X_AMZN_TRACE_ID"),
    }
