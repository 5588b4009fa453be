"""A Lambda authorizer (REQUEST, simple responses) and a route that shows what it was given, for the host's tests."""
import json
import os


def handler(event, context):
    with open(os.environ["AUTHORIZER_LOG"], "a") as log:
        log.write(json.dumps(event) + "\n")
    token = event["identitySource"][0]
    if token.endswith("boom"):
        raise ValueError("the authorizer failed")
    if token.endswith("bad-shape"):
        return {"allowed": True}
    return {"isAuthorized": token.endswith("good"), "context": {"user": "alice", "token": token}}


def route(event, context):
    return {"statusCode": 200, "body": json.dumps(event["requestContext"].get("authorizer"))}
