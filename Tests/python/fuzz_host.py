"""A bounded, seeded HTTP fuzzer for the host: every operation of its AWS APIs, and the commerce HTTP API routes.

Usage (from the repository root, after a debug build; Python 3.11, the standard library and botocore):

    python3 Tests/python/fuzz_host.py                                  # starts .build/debug/host, seed 1
    python3 Tests/python/fuzz_host.py --seed random --requests 2000 --time-limit 120 --dump-dir /tmp/fuzz
    python3 Tests/python/fuzz_host.py --endpoint http://127.0.0.1:4566 --api-endpoint http://127.0.0.1:3000

Without --endpoint it starts the host binary (--host-binary) on free ports with a fresh data directory, waits for
GET /_host/health and stops it with SIGTERM at the end. When the host dies, the request sent last is failed as
"crash", the Swift runtime's fatal error and the project's frames of its backtrace are printed, and the host is
restarted on the same data directory (on a fresh one when it dies again right after the restart: a crash loop).
When it stops answering /_host/health it is waited for up to --stall-limit seconds ("stall"), then restarted
("stuck"). With --endpoint it uses a running host and sees a crash only through failed health checks.

The warm-up reads the host's resources, creates fixtures that carry fuzzed data further (a bus whose rules send
every event to a queue, a log group and an input transformer; a table whose stream a pipe puts on that bus, the
event time read from the item; a queue a filtered mapping polls) and sends every operation once to learn which
ones the host implements (the others get few requests). Then requests come from botocore's service models: every
operation of dynamodb, dynamodbstreams, sqs, events, logs and pipes, and lambda's Invoke, GetFunction,
ListFunctions and event source mapping operations. Values are valid-ish (the topology's table, queues, bus, rules,
functions and pipe, the fixtures, and what the run creates or reads in answers), and most requests get one
mutation: wrong types, missing or unknown members, boundary numbers and times, huge strings, 10,000-deep JSON,
deep or long expressions, projections, event and filter patterns, input templates with many placeholders,
invalid UTF-8, bad paging tokens, extreme limits and scan segments, truncated, empty or non-JSON bodies, bad
targets, paths, methods, origins and signatures, and broken HTTP framing (short or long Content-Length, malformed
chunked encoding, one or two bodies over 16 MiB). The commerce routes get absurd, oversized and mistyped fields
and odd HTTP. Resources of the topology and the fixtures are never given to operations that delete or change them.

Asserted for each request:
  * the host stays alive and keeps answering /_host/health;
  * it answers within --timeout seconds (plus the wait the request asks for: ReceiveMessage, Invoke, commerce
    routes) -- a later answer is a hang;
  * no 5xx, and a well-framed request always gets an answer;
  * every 4xx of the AWS endpoint has AWS's error shape: JSON 1.0/1.1 services a JSON object with `__type` and
    `message` (or `Message`); REST JSON services (lambda, pipes) a JSON object with `message` (or `Message`) and an
    `x-amzn-ErrorType` header or `__type`/`Type`. Requests whose framing is broken on purpose may be refused below
    the AWS layer (a bare 4xx or a closed connection), as AWS's own front end does; HEAD answers have no body;
  * 2xx answers of the JSON 1.0/1.1 services are JSON objects; 4xx answers of the commerce routes are JSON;
  * the host's RSS (VmRSS) grows by at most --rss-limit-mb between the end of the warm-up (or the last restart)
    and the end of the run, and the host is alive and healthy at the end.
  * every SQS 4xx carries AWS's `x-amzn-query-error: <Code>;Sender` header (except the host's own refusals of a
    foreign origin, which come before any service).

The plan (service, operation and mutation of each request) depends only on --seed; names read from the host's
answers (queue URLs, receipt handles, tokens, UUIDs) and times taken from the clock vary between runs. The last line is `N passed, M failed`,
counting requests; the exit status is 0 only when nothing failed.
"""

import argparse
import base64
import collections
import copy
import dataclasses
import http.client
import json
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any, Callable

import botocore.loaders

REPO_ROOT = Path(__file__).resolve().parents[2]
LAMBDA_OPERATIONS = (
    "Invoke", "GetFunction", "ListFunctions", "CreateEventSourceMapping", "GetEventSourceMapping",
    "ListEventSourceMappings", "UpdateEventSourceMapping", "DeleteEventSourceMapping",
)
SERVICE_WEIGHTS = {
    "dynamodb": 24, "dynamodbstreams": 5, "sqs": 14, "events": 13, "logs": 12, "pipes": 7, "lambda": 9,
    "commerce": 12,
}
# Operations that do the most work get more of the requests (the others weigh 1).
OPERATION_WEIGHTS = {
    ("dynamodb", "Query"): 4, ("dynamodb", "Scan"): 4, ("dynamodb", "GetItem"): 3, ("dynamodb", "PutItem"): 3,
    ("dynamodb", "UpdateItem"): 4, ("dynamodb", "DeleteItem"): 2, ("dynamodb", "BatchWriteItem"): 2,
    ("dynamodb", "BatchGetItem"): 2, ("dynamodb", "TransactWriteItems"): 2, ("sqs", "SendMessage"): 3,
    ("sqs", "ReceiveMessage"): 3, ("events", "PutEvents"): 3, ("events", "PutRule"): 3,
    ("events", "TestEventPattern"): 3, ("events", "PutTargets"): 2, ("logs", "FilterLogEvents"): 4,
    ("logs", "PutLogEvents"): 3, ("logs", "GetLogEvents"): 2, ("logs", "TestMetricFilter"): 2,
    ("pipes", "CreatePipe"): 3, ("pipes", "UpdatePipe"): 2, ("lambda", "Invoke"): 2,
    ("lambda", "CreateEventSourceMapping"): 2,
}
MUTATION_RATE = 0.75
UNIMPLEMENTED_WEIGHT = 0.05
OPTIONAL_MEMBER_RATE = (0.35, 0.15)  # at the top level, deeper
MAX_SHAPE_DEPTH = 6
HEALTH_EVERY = 25
OVERSIZE_BODY_BYTES = 17 * 1024 * 1024
URL_VALUE_LIMIT = 8 * 1024  # encoded bytes of one path or query member, or one header value
FAILURES_SHOWN = 50
MAX_RESTARTS = 20
CRASH_LOOP = (10, 40)  # a crash this soon (seconds, requests) after a restart on the same data is a crash loop
EXTRA_WAIT = {("sqs", "ReceiveMessage"): 21, ("lambda", "Invoke"): 12, ("commerce", None): 12}
MISSING = object()
# What the warm-up creates so that fuzzed data flows further: a bus whose rules catch every event and deliver it
# to a queue, a log group and through an input transformer; a table whose stream a pipe puts on that bus (its
# event time read from the item); a queue a mapping polls with a filter.
FIXTURE = {
    "bus": "fuzz-bus", "queue": "fuzz-sink", "mapped_queue": "fuzz-mapped", "log_group": "/fuzz/sink",
    "table": "fuzz-stream-table", "pipe": "fuzz-fixture-pipe", "time_attribute": "when",
}


# ---------------------------------------------------------------------------------------------------------------
# Service models


@dataclasses.dataclass
class ServiceSpec:
    """One AWS API as botocore describes it, reduced to what requests are built from."""

    name: str
    protocol: str  # "json" or "rest-json"
    target_prefix: str | None
    json_version: str | None
    query_compatible: bool
    shapes: dict
    operations: dict

    def input_shape(self, operation: str) -> str | None:
        return self.operations[operation].get("input", {}).get("shape")

    def input_members(self, operation: str) -> dict:
        shape = self.input_shape(operation)
        return self.shapes[shape].get("members", {}) if shape else {}


def load_services() -> dict[str, ServiceSpec]:
    loader = botocore.loaders.Loader()
    specs = {}
    for name in ("dynamodb", "dynamodbstreams", "sqs", "events", "logs", "pipes", "lambda"):
        model = loader.load_service_model(name, "service-2")
        metadata = model["metadata"]
        operations = dict(model["operations"])
        if name == "lambda":
            operations = {op: operations[op] for op in LAMBDA_OPERATIONS}
        specs[name] = ServiceSpec(
            name=name, protocol=metadata["protocol"], target_prefix=metadata.get("targetPrefix"),
            json_version=metadata.get("jsonVersion"), query_compatible="awsQueryCompatible" in metadata,
            shapes=model["shapes"], operations=operations)
    return specs


# ---------------------------------------------------------------------------------------------------------------
# JSON with raw fragments (deep nesting, huge numbers and invalid UTF-8 are written as bytes, not built as objects)


class Raw:
    """A JSON fragment written as it is."""

    def __init__(self, data: bytes | str, label: str = "raw"):
        self.data = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
        self.label = label

    def __repr__(self):
        return f"<{self.label}, {len(self.data)} bytes>"


def encode_json(value: Any) -> bytes:
    if isinstance(value, Raw):
        return value.data
    if isinstance(value, dict):
        return b"{" + b",".join(encode_key(k) + b":" + encode_json(v) for k, v in value.items()) + b"}"
    if isinstance(value, (list, tuple)):
        return b"[" + b",".join(encode_json(v) for v in value) + b"]"
    if isinstance(value, bytes):
        return encode_json(base64.b64encode(value).decode())
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def encode_key(key: Any) -> bytes:
    return key.data if isinstance(key, Raw) else encode_json(str(key))


def text_of(value: Any) -> str:
    """A value as it goes into a URL or a header."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Raw):
        return value.data.decode("utf-8", "replace")
    return encode_json(value).decode("utf-8", "replace")


def deep_json(depth: int, kind: str = "array") -> Raw:
    if kind == "object":
        return Raw('{"a":' * depth + "1" + "}" * depth, f"{depth}-deep object")
    return Raw("[" * depth + "1" + "]" * depth, f"{depth}-deep array")


# ---------------------------------------------------------------------------------------------------------------
# The world: the resources the host has


# JSON keys of answers whose values name resources ("Parent.Key" when the key alone is ambiguous).
ANSWER_KEYS = {
    "TableName": "table", "TableNames": "table", "LastEvaluatedTableName": "table",
    "LatestStreamArn": "stream_arn", "StreamArn": "stream_arn", "ShardId": "shard_id",
    "ShardIterator": "shard_iterator", "NextShardIterator": "shard_iterator", "Records.SequenceNumber": "sequence",
    "QueueUrl": "queue_url", "QueueUrls": "queue_url", "QueueArn": "queue_arn", "ReceiptHandle": "receipt_handle",
    "TaskHandle": "task_handle", "EventBuses.Name": "bus_name", "EventBuses.Arn": "bus_arn",
    "Rules.Name": "rule_name", "RuleNames": "rule_name", "RuleArn": "rule_arn", "Targets.Id": "target_id",
    "logGroups.logGroupName": "log_group", "Pipes.Name": "pipe_name", "UUID": "esm_uuid",
    "Functions.FunctionName": "function_name", "LastEvaluatedKey": "start_key",
}
TOKEN_KEYS = ("NextToken", "nextToken", "NextMarker", "nextForwardToken", "nextBackwardToken")
# Request members that name what a successful request created.
CREATED = {
    ("dynamodb", "CreateTable"): ("TableName", "table"), ("sqs", "CreateQueue"): ("QueueName", "queue_name"),
    ("events", "CreateEventBus"): ("Name", "bus_name"), ("events", "PutRule"): ("Name", "rule_name"),
    ("logs", "CreateLogGroup"): ("logGroupName", "log_group"), ("pipes", "CreatePipe"): ("Name", "pipe_name"),
}
# Operations that change or remove a resource: they never get a topology resource, so the commerce system and
# most of the run keep working.
DESTRUCTIVE_PREFIXES = ("Delete", "Stop", "Remove", "Purge", "Disable", "Update", "Untag", "Tag", "Put", "Set")
DATA_PLANE = {"PutItem", "UpdateItem", "DeleteItem", "PutEvents", "PutLogEvents", "DeleteMessage",
              "DeleteMessageBatch"}


def is_destructive(operation: str) -> bool:
    return operation.startswith(DESTRUCTIVE_PREFIXES) and operation not in DATA_PLANE


class World:
    """Names of the host's resources: the topology's (protected from destructive operations), then those the run
    creates or reads in answers. Each kind keeps its latest values."""

    POOL_SIZE = 40
    VALUE_LIMIT = 2048

    def __init__(self, topology: dict):
        self.region = topology.get("region", "us-east-1")
        self.account = topology.get("accountId", "000000000000")
        self.pools: dict[str, list] = collections.defaultdict(list)
        self.protected: set[str] = set()
        self.key_schemas: dict[str, list[tuple[str, str]]] = {}
        self.log_streams: list[tuple[str, str]] = []
        for name, table in topology.get("tables", {}).items():
            keys = [table["partitionKey"]] + ([table["sortKey"]] if "sortKey" in table else [])
            self.key_schemas[name] = [(key["name"], key["type"]) for key in keys]
            self.add("table", name, protect=True)
        for bus in list(topology.get("buses", {})) + ["default"]:
            self.add("bus_name", bus, protect=True)
            self.add("bus_arn", self.arn("events", f"event-bus/{bus}"), protect=True)
        for rule in topology.get("rules", {}):
            self.add("rule_name", rule, protect=True)
        for queue in topology.get("queues", {}):
            self.add_queue_name(queue, protect=True)
        for function in topology.get("functions", {}):
            self.add("function_name", function)
            self.add("function_arn", self.arn("lambda", f"function:{function}"))
        for pipe in topology.get("pipes", {}):
            self.add("pipe_name", pipe, protect=True)
        self.add("log_group", "/fuzz/seed-group")

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account}:{resource}"

    def add(self, kind: str, value: Any, protect: bool = False):
        if isinstance(value, str) and (not value or len(value) > self.VALUE_LIMIT):
            return
        if isinstance(value, (dict, list)) and len(encode_json(value)) > self.VALUE_LIMIT:
            return
        pool = self.pools[kind]
        if value in pool:
            pool.remove(value)
        pool.append(value)
        del pool[:-self.POOL_SIZE]
        if protect:
            self.protected.add(value if isinstance(value, str) else json.dumps(value))

    def add_queue_name(self, name: str, protect: bool = False):
        self.add("queue_name", name, protect)
        self.add("queue_arn", self.arn("sqs", name), protect)

    def pick(self, kind: str, rng: random.Random, destructive: bool = False, default: Any = MISSING) -> Any:
        values = self.pools.get(kind, [])
        if destructive:
            values = [v for v in values if (v if isinstance(v, str) else json.dumps(v)) not in self.protected]
        if values:
            return rng.choice(values)
        return default if default is not MISSING else f"fuzz-missing-{kind}-{rng.randrange(1000)}"

    def learn_answer(self, service: str, answer: Any):
        for parent, key, value in walk_json(answer):
            kind = ANSWER_KEYS.get(f"{parent}.{key}") or ANSWER_KEYS.get(key)
            if key in TOKEN_KEYS:
                kind = f"token:{service}"
            if kind is None:
                continue
            if kind == "start_key" or not isinstance(value, list):
                self.add(kind, value)
            else:
                for item in value:
                    self.add(kind, item)
            if kind == "queue_url":
                for url in value if isinstance(value, list) else [value]:
                    if isinstance(url, str):
                        self.add_queue_name(url.rsplit("/", 1)[-1], protect=url in self.protected)
            if kind == "pipe_name" and isinstance(value, str):
                self.add("pipe_arn", self.arn("pipes", f"pipe/{value}"))

    def learn_request(self, service: str, operation: str, params: dict):
        created = CREATED.get((service, operation))
        if created and isinstance(params.get(created[0]), str):
            name = params[created[0]]
            if created[1] == "queue_name":
                self.add_queue_name(name)
            else:
                self.add(created[1], name)
            if operation == "CreateTable":
                self.key_schemas[name] = table_key_schema(params)
            if operation == "CreateEventBus":
                self.add("bus_arn", self.arn("events", f"event-bus/{name}"))
        if (service, operation) == ("logs", "CreateLogStream"):
            pair = (params.get("logGroupName"), params.get("logStreamName"))
            if all(isinstance(part, str) for part in pair):
                self.log_streams = (self.log_streams + [pair])[-self.POOL_SIZE:]
                self.add("log_stream", pair[1])


def walk_json(value: Any, parent: str = ""):
    """Every (parent key, key, value) inside a decoded JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield parent, key, item
            yield from walk_json(item, key)
    elif isinstance(value, list):
        for item in value:
            yield from walk_json(item, parent)


def table_key_schema(params: dict) -> list[tuple[str, str]]:
    types = {d.get("AttributeName"): d.get("AttributeType") for d in params.get("AttributeDefinitions", [])
             if isinstance(d, dict)}
    keys = sorted(params.get("KeySchema", []), key=lambda k: k.get("KeyType") != "HASH")
    return [(k.get("AttributeName"), types.get(k.get("AttributeName"), "S")) for k in keys if isinstance(k, dict)]


# ---------------------------------------------------------------------------------------------------------------
# Valid-ish values


@dataclasses.dataclass
class Gen:
    """What one request is generated with: its own random generator, the world, the service and the operation."""

    rng: random.Random
    world: World
    spec: ServiceSpec | None
    operation: str

    @property
    def service(self) -> str:
        return self.spec.name if self.spec else "commerce"

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def pick(self, kind: str, default: Any = MISSING) -> Any:
        return self.world.pick(kind, self.rng, is_destructive(self.operation), default)

    def fresh(self, prefix: str = "fuzz") -> str:
        return f"{prefix}-{self.rng.randrange(16 ** 6):06x}"

    def word(self, low: int = 3, high: int = 12) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(low, high)))

    def token(self) -> str:
        return self.pick(f"token:{self.service}", default=base64.b64encode(self.word().encode()).decode())


def now_ms() -> int:
    return int(time.time() * 1000)


# DynamoDB


def ddb_value(g: Gen, depth: int = 0) -> dict:
    kinds = ["S", "N", "B", "BOOL", "NULL", "SS", "NS"] + (["L", "M"] if depth < 3 else [])
    kind = g.rng.choice(kinds)
    if kind == "S":
        return {"S": g.word(0, 20)}
    if kind == "N":
        return {"N": g.rng.choice(["0", "1", "-7", "3.25", "1e3", "123456789012345678901234567890", "0.001"])}
    if kind == "B":
        return {"B": base64.b64encode(g.word().encode()).decode()}
    if kind == "BOOL":
        return {"BOOL": g.chance(0.5)}
    if kind == "NULL":
        return {"NULL": True}
    if kind == "SS":
        return {"SS": sorted({g.word() for _ in range(g.rng.randint(1, 3))})}
    if kind == "NS":
        return {"NS": sorted({str(g.rng.randint(-50, 50)) for _ in range(g.rng.randint(1, 3))})}
    if kind == "L":
        return {"L": [ddb_value(g, depth + 1) for _ in range(g.rng.randint(0, 3))]}
    return {"M": {g.word(1, 6): ddb_value(g, depth + 1) for _ in range(g.rng.randint(0, 3))}}


def ddb_key_value(g: Gen, attribute_type: str) -> dict:
    if attribute_type == "N":
        return {"N": str(g.rng.randint(0, 30))}
    if attribute_type == "B":
        return {"B": base64.b64encode(f"k{g.rng.randint(0, 30)}".encode()).decode()}
    prefix = g.rng.choice(["FUZZ#", "ORDERS#ORDER_ID#", "INVENTORY#SKU#", "EVENTS#ORDER_ID#"])
    return {"S": f"{prefix}{g.rng.randint(0, 30)}"}


def ddb_key(g: Gen, table: Any) -> dict:
    schema = g.world.key_schemas.get(table) if isinstance(table, str) else None
    schema = schema or [("pk", "S"), ("sk", "S")]
    return {name: ddb_key_value(g, kind) for name, kind in schema}


def ddb_item(g: Gen, table: Any) -> dict:
    item = ddb_key(g, table)
    for _ in range(g.rng.randint(0, 5)):
        item[g.rng.choice(["a", "b", "count", "tags", "gsi1pk", "gsi1sk", "nested", g.word(1, 8)])] = ddb_value(g)
    if g.chance(0.3):
        item["gsi1pk"], item["gsi1sk"] = {"S": "FUZZ#GSI"}, {"S": f"CREATED_AT#{g.rng.randint(0, 99)}"}
    if g.chance(0.3):
        item[FIXTURE["time_attribute"]] = {"S": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    return item


class ExpressionBuilder:
    """Coherent DynamoDB expressions: the names and values they use are collected for the request."""

    def __init__(self, g: Gen):
        self.g = g
        self.names: dict[str, str] = {}
        self.values: dict[str, dict] = {}

    def name(self) -> str:
        """An attribute path: a plain name, or a placeholder (always for reserved words such as `status`)."""
        if self.g.chance(0.5):
            path = self.g.rng.choice(["a", "b", "tags", "nested", "pk", "sk"])
        else:
            path = f"#n{len(self.names)}"
            self.names[path] = self.g.rng.choice(["a", "count", "status", "nested", "sk"])
        if self.g.chance(0.2):
            path += self.g.rng.choice([".inner", "[0]", "[2].x"])
        return path

    def value(self, value: dict | None = None) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value or ddb_value(self.g)
        return placeholder

    def condition(self, depth: int = 0) -> str:
        rng = self.g.rng
        form = rng.randrange(10 if depth < 2 else 6)
        if form == 0:
            return f"attribute_exists({self.name()})"
        if form == 1:
            return f"attribute_not_exists({self.name()})"
        if form == 2:
            return f"{self.name()} {rng.choice(['=', '<>', '<', '<=', '>', '>='])} {self.value()}"
        if form == 3:
            return f"begins_with({self.name()}, {self.value({'S': 'FU'})})"
        if form == 4:
            return f"size({self.name()}) > {self.value({'N': str(rng.randint(0, 5))})}"
        if form == 5:
            return f"{self.name()} BETWEEN {self.value({'N': '1'})} AND {self.value({'N': '9'})}"
        if form == 6:
            return f"{self.name()} IN ({', '.join(self.value() for _ in range(rng.randint(1, 4)))})"
        if form == 7:
            return f"NOT ({self.condition(depth + 1)})"
        if form == 8:
            return f"contains({self.name()}, {self.value({'S': 'a'})})"
        return f"({self.condition(depth + 1)}) {rng.choice(['AND', 'OR'])} {self.condition(depth + 1)}"

    def update(self) -> str:
        rng = self.g.rng
        clauses = [f"SET {self.name()} = {self.value()}"]
        if rng.random() < 0.4:
            clauses[0] += f", {self.name()} = if_not_exists({self.name()}, {self.value({'N': '0'})}) + " \
                          f"{self.value({'N': '1'})}"
        if rng.random() < 0.3:
            clauses.append(f"REMOVE {self.name()}")
        if rng.random() < 0.3:
            clauses.append(f"ADD {self.name()} {self.value({'N': '2'})}")
        if rng.random() < 0.2:
            clauses.append(f"DELETE {self.name()} {self.value({'SS': ['x']})}")
        return " ".join(clauses)

    def projection(self) -> str:
        return ", ".join(self.name() for _ in range(self.g.rng.randint(1, 4)))

    def key_condition(self, table: Any, index: Any) -> str:
        schema = self.g.world.key_schemas.get(table) if isinstance(table, str) else None
        if index == "gsi1pk-gsi1sk-index":
            schema = [("gsi1pk", "S"), ("gsi1sk", "S")]
        schema = schema or [("pk", "S"), ("sk", "S")]
        parts = [f"#k0 = {self.value(ddb_key_value(self.g, schema[0][1]))}"]
        self.names["#k0"] = schema[0][0]
        if len(schema) > 1 and self.g.chance(0.6):
            self.names["#k1"] = schema[1][0]
            operator = self.g.rng.choice(["begins_with", "BETWEEN", "<", ">=", "="])
            if operator == "begins_with":
                parts.append(f"begins_with(#k1, {self.value({'S': 'ORDER'})})")
            elif operator == "BETWEEN":
                parts.append(f"#k1 BETWEEN {self.value({'S': 'A'})} AND {self.value({'S': 'Z'})}")
            else:
                parts.append(f"#k1 {operator} {self.value({'S': 'M'})}")
        return " AND ".join(parts)

    def apply(self, params: dict):
        if self.names:
            params["ExpressionAttributeNames"] = self.names
        if self.values:
            params["ExpressionAttributeValues"] = self.values


def shape_ddb_item_operation(g: Gen, params: dict):
    table = params.get("TableName")
    for member in ("ExpressionAttributeNames", "ExpressionAttributeValues", "ConditionExpression",
                   "FilterExpression", "ProjectionExpression", "UpdateExpression", "KeyConditionExpression",
                   "Expected", "AttributeUpdates", "QueryFilter", "ScanFilter", "KeyConditions", "AttributesToGet",
                   "ConditionalOperator", "Segment", "TotalSegments", "ExclusiveStartKey"):
        params.pop(member, None)
    if g.operation in ("Query", "Scan"):
        params["Limit"] = g.rng.randint(1, 25)
        params.pop("IndexName", None)
        if g.chance(0.3):
            params["IndexName"] = "gsi1pk-gsi1sk-index"
        if params.get("Select") not in (None, "ALL_ATTRIBUTES", "COUNT"):
            params.pop("Select")
        if g.chance(0.2):
            params["ExclusiveStartKey"] = g.pick("start_key", default=ddb_key(g, table))
    builder = ExpressionBuilder(g)
    if g.operation == "Query":
        params["KeyConditionExpression"] = builder.key_condition(table, params.get("IndexName"))
    if g.operation in ("Query", "Scan") and g.chance(0.5):
        params["FilterExpression"] = builder.condition()
    if g.operation in ("PutItem", "UpdateItem", "DeleteItem") and g.chance(0.4):
        params["ConditionExpression"] = builder.condition()
    if g.operation == "UpdateItem":
        params["UpdateExpression"] = builder.update()
    if g.operation in ("GetItem", "Query", "Scan") and g.chance(0.4) and params.get("Select") != "COUNT":
        params["ProjectionExpression"] = builder.projection()
    if g.operation == "Scan" and g.chance(0.2):
        params["TotalSegments"] = g.rng.randint(1, 4)
        params["Segment"] = g.rng.randrange(params["TotalSegments"])
    if "Key" in params or g.operation in ("GetItem", "UpdateItem", "DeleteItem"):
        params["Key"] = ddb_key(g, table)
    if g.operation == "PutItem":
        params["Item"] = ddb_item(g, table)
    builder.apply(params)


def shape_ddb_batch(g: Gen, params: dict):
    table = HINTS["dynamodb"]["TableName"](g)
    if g.operation == "BatchGetItem":
        keys = [ddb_key(g, table) for _ in range(g.rng.randint(1, 5))]
        params["RequestItems"] = {table: {"Keys": keys}}
    else:
        writes = [{"PutRequest": {"Item": ddb_item(g, table)}} if g.chance(0.7)
                  else {"DeleteRequest": {"Key": ddb_key(g, table)}} for _ in range(g.rng.randint(1, 5))]
        params["RequestItems"] = {table: writes}


def shape_ddb_transaction(g: Gen, params: dict):
    table = HINTS["dynamodb"]["TableName"](g)
    items = []
    for _ in range(g.rng.randint(1, 4)):
        if g.operation == "TransactGetItems":
            items.append({"Get": {"TableName": table, "Key": ddb_key(g, table)}})
            continue
        builder = ExpressionBuilder(g)
        form = g.rng.choice(["Put", "Update", "Delete", "ConditionCheck"])
        action: dict = {"TableName": table}
        if form == "Put":
            action["Item"] = ddb_item(g, table)
        else:
            action["Key"] = ddb_key(g, table)
        if form == "Update":
            action["UpdateExpression"] = builder.update()
        if form == "ConditionCheck" or g.chance(0.3):
            action["ConditionExpression"] = builder.condition()
        builder.apply(action)
        items.append({form: action})
    params["TransactItems"] = items


def shape_ddb_create_table(g: Gen, params: dict):
    hash_type, range_type = g.rng.choice("SNB"), g.rng.choice("SNB")
    params.clear()
    params.update({
        "TableName": g.fresh("fuzz-table"),
        "AttributeDefinitions": [{"AttributeName": "h", "AttributeType": hash_type}],
        "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"})
    if g.chance(0.6):
        params["AttributeDefinitions"].append({"AttributeName": "r", "AttributeType": range_type})
        params["KeySchema"].append({"AttributeName": "r", "KeyType": "RANGE"})
    if g.chance(0.5):
        params["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": g.rng.choice(["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"])}
    if g.chance(0.3):
        params["AttributeDefinitions"].append({"AttributeName": "g", "AttributeType": "S"})
        params["GlobalSecondaryIndexes"] = [{
            "IndexName": "g-index", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": g.rng.choice(["ALL", "KEYS_ONLY"])}}]


# SQS


def queue_attributes(g: Gen) -> dict:
    choices = {
        "VisibilityTimeout": lambda: str(g.rng.randint(0, 60)), "DelaySeconds": lambda: str(g.rng.randint(0, 2)),
        "MessageRetentionPeriod": lambda: str(g.rng.randint(60, 1209600)),
        "MaximumMessageSize": lambda: str(g.rng.randint(1024, 262144)),
        "ReceiveMessageWaitTimeSeconds": lambda: str(g.rng.randint(0, 2)),
        "RedrivePolicy": lambda: json.dumps({"deadLetterTargetArn": g.pick("queue_arn"),
                                             "maxReceiveCount": g.rng.randint(1, 5)}),
        "Policy": lambda: json.dumps({"Version": "2012-10-17", "Statement": []}),
    }
    chosen = g.rng.sample(sorted(choices), g.rng.randint(0, 3))
    return {name: choices[name]() for name in chosen}


def message_body(g: Gen) -> str:
    if g.chance(0.5):
        return json.dumps({"detail": {"n": g.rng.randint(0, 9), "s": g.word()}, "source": "fuzz"})
    return g.word(1, 60)


def shape_sqs(g: Gen, params: dict):
    fifo = str(params.get("QueueUrl", "")).endswith(".fifo")
    if g.operation == "CreateQueue":
        params["QueueName"] = g.fresh("fuzz-queue")
        params["Attributes"] = queue_attributes(g)
        if g.chance(0.2):
            params["QueueName"] += ".fifo"
            params["Attributes"]["FifoQueue"] = "true"
            params["Attributes"]["ContentBasedDeduplication"] = g.rng.choice(["true", "false"])
    elif g.operation == "ReceiveMessage":
        params["WaitTimeSeconds"] = 0
        params["MaxNumberOfMessages"] = g.rng.randint(1, 10)
    elif g.operation == "SendMessage":
        params.pop("MessageSystemAttributes", None)
        params["DelaySeconds"] = 0
        if fifo:
            params["MessageGroupId"], params["MessageDeduplicationId"] = "g1", g.fresh("dedup")
    elif g.operation == "SendMessageBatch":
        params["Entries"] = [{"Id": f"e{i}", "MessageBody": message_body(g), **(
            {"MessageGroupId": "g1", "MessageDeduplicationId": g.fresh("dedup")} if fifo else {})}
            for i in range(g.rng.randint(1, 10))]
    elif g.operation in ("DeleteMessageBatch", "ChangeMessageVisibilityBatch"):
        params["Entries"] = [{"Id": f"e{i}", "ReceiptHandle": g.pick("receipt_handle"),
                              **({"VisibilityTimeout": g.rng.randint(0, 30)}
                                 if g.operation.startswith("Change") else {})}
                             for i in range(g.rng.randint(1, 10))]
    elif g.operation == "SetQueueAttributes":
        params["Attributes"] = queue_attributes(g)
    elif g.operation == "StartMessageMoveTask":
        params["SourceArn"] = g.pick("queue_arn")
        if g.chance(0.5):
            params.pop("DestinationArn", None)


# EventBridge and patterns


def event_pattern(g: Gen) -> dict:
    matchers = [
        lambda: ["fuzz"], lambda: [{"prefix": "fu"}], lambda: [{"suffix": "zz"}], lambda: [{"exists": g.chance(0.5)}],
        lambda: [{"anything-but": ["x", "y"]}], lambda: [{"numeric": [">", 0, "<=", g.rng.randint(1, 100)]}],
        lambda: [{"equals-ignore-case": "FUZZ"}], lambda: [{"wildcard": "f*z"}], lambda: [None, 1, "a"],
        lambda: [{"anything-but": {"prefix": "x"}}], lambda: [{"cidr": "10.0.0.0/24"}],
    ]
    detail = {g.word(1, 6): g.rng.choice(matchers)() for _ in range(g.rng.randint(0, 3))}
    pattern: dict = {"source": [g.rng.choice(["fuzz", "event-store.dynamodb.stream", "aws.events"])]}
    if detail:
        pattern["detail"] = detail
    if g.chance(0.3):
        pattern["$or"] = [{"detail-type": ["a"]}, {"detail-type": [{"prefix": "b"}]}]
    return pattern


def event_text(g: Gen) -> str:
    return json.dumps({
        "id": g.fresh("event"), "account": g.world.account, "source": "fuzz", "time": "2026-01-01T00:00:00Z",
        "region": g.world.region, "resources": [], "detail-type": "fuzz",
        "detail": {"n": g.rng.randint(0, 9), "s": g.word(), "nested": {"a": [1, 2, {"b": None}]}}})


def events_name(g: Gen) -> str:
    if "EventBus" in g.operation:
        return g.pick("bus_name")
    if "Rule" in g.operation:
        return g.pick("rule_name")
    return g.fresh()


def shape_events(g: Gen, params: dict):
    if g.operation == "PutEvents":
        params["Entries"] = [{
            "Source": g.rng.choice(["fuzz", "fuzz", "event-store.dynamodb.stream"]),
            "DetailType": "DynamoDBStreamRecord",
            "Detail": json.dumps({"eventName": "INSERT", "n": g.rng.randint(0, 9)}),
            "EventBusName": FIXTURE["bus"] if g.chance(0.5) else g.pick("bus_name"), "Resources": []}
            for _ in range(g.rng.randint(1, 4))]
        if g.chance(0.2):
            params["Entries"][0]["Time"] = time.time() - g.rng.randint(0, 3600)
    elif g.operation == "PutRule":
        params["Name"] = g.fresh("fuzz-rule")
        params["EventBusName"] = g.pick("bus_name")
        params["EventPattern"] = json.dumps(event_pattern(g))
        params.pop("ScheduleExpression", None)
    elif g.operation == "PutTargets":
        params["Targets"] = [{"Id": g.fresh("t"), "Arn": g.pick(g.rng.choice(["queue_arn", "function_arn"]))}
                             for _ in range(g.rng.randint(1, 3))]
        if g.chance(0.3):
            params["Targets"][0]["InputTransformer"] = {"InputPathsMap": {"s": "$.source"},
                                                        "InputTemplate": '{"source": <s>}'}
    elif g.operation == "CreateEventBus":
        params["Name"] = g.fresh("fuzz-bus")
        params.pop("EventSourceName", None)
    elif g.operation == "TestEventPattern":
        params["Event"], params["EventPattern"] = event_text(g), json.dumps(event_pattern(g))


# CloudWatch Logs


def filter_pattern(g: Gen) -> str:
    return g.rng.choice([
        "", "ERROR", '"fuzz value"', "?ERROR ?WARN", "-noise fuzz", "{ $.level = \"error\" }",
        "{ ($.n > 3) && ($.s = \"x*\") }", "[ip, user, status = 2*, size]", "%fu[z]+%", "{ $.a[0].b IS NULL }",
    ])


def shape_logs(g: Gen, params: dict):
    if g.operation == "CreateLogGroup":
        params["logGroupName"] = f"/fuzz/{g.word()}"
    elif g.operation == "CreateLogStream":
        params["logStreamName"] = g.fresh("stream")
    elif g.operation in ("PutLogEvents", "GetLogEvents") and g.world.log_streams:
        params["logGroupName"], params["logStreamName"] = g.rng.choice(g.world.log_streams)
    if g.operation == "PutLogEvents":
        start = now_ms() - 60_000
        params["logEvents"] = [{"timestamp": start + i * 10, "message": g.word(1, 80)}
                               for i in range(g.rng.randint(1, 8))]
        params.pop("entity", None)
    if g.operation in ("GetLogEvents", "FilterLogEvents"):
        params.pop("logGroupIdentifier", None)
        if g.operation == "FilterLogEvents":
            params.pop("logStreamNamePrefix", None)
            params["logGroupName"] = g.pick("log_group")


# Pipes and event source mappings


def input_template(g: Gen, placeholders: int = 3) -> str:
    fields = ", ".join(f'"f{i}": <$.dynamodb.NewImage.{g.word(1, 5)}.S>' for i in range(placeholders))
    return "{" + fields + "}"


def shape_pipe(g: Gen, params: dict):
    if g.operation == "CreatePipe":
        params["Name"] = g.fresh("fuzz-pipe")
    if g.operation not in ("CreatePipe", "UpdatePipe"):
        return
    params["RoleArn"] = f"arn:aws:iam::{g.world.account}:role/fuzz-pipe"
    params.pop("Enrichment", None)
    params.pop("EnrichmentParameters", None)
    params.pop("LogConfiguration", None)
    if g.operation == "CreatePipe":
        params["Source"] = g.pick("stream_arn")
    params["Target"] = g.pick("bus_arn")
    params["DesiredState"] = g.rng.choice(["RUNNING", "STOPPED"])
    stream = {"StartingPosition": g.rng.choice(["LATEST", "TRIM_HORIZON"]), "BatchSize": g.rng.randint(1, 20)}
    if g.operation == "UpdatePipe":
        stream.pop("StartingPosition")
    params["SourceParameters"] = {"DynamoDBStreamParameters": stream}
    if g.chance(0.3):
        params["SourceParameters"]["FilterCriteria"] = {"Filters": [{"Pattern": json.dumps(event_pattern(g))}]}
    params["TargetParameters"] = {"EventBridgeEventBusParameters": {"Source": "fuzz.pipe", "DetailType": "Fuzz"}}
    if g.chance(0.4):
        params["TargetParameters"]["InputTemplate"] = input_template(g)


def shape_esm(g: Gen, params: dict):
    if g.operation not in ("CreateEventSourceMapping", "UpdateEventSourceMapping"):
        return
    keep = {"FunctionName", "UUID", "BatchSize", "Enabled", "MaximumBatchingWindowInSeconds", "FilterCriteria"}
    for member in list(params):
        if member not in keep:
            params.pop(member)
    if g.operation == "CreateEventSourceMapping":
        params["EventSourceArn"] = g.pick("queue_arn", default=g.world.arn("sqs", "missing"))
    params["BatchSize"] = g.rng.randint(1, 10)
    if "FilterCriteria" in params:
        params["FilterCriteria"] = {"Filters": [{"Pattern": json.dumps({"body": {"n": [{"numeric": [">", 1]}]}})}]}


def invoke_payload(g: Gen) -> bytes:
    choices = [
        lambda: {"Records": [{"messageId": g.fresh("m"), "receiptHandle": "h", "body": message_body(g),
                              "attributes": {}, "messageAttributes": {}, "eventSource": "aws:sqs"}]},
        lambda: {"version": "2.0", "routeKey": "POST /x", "rawPath": "/x", "body": json.dumps({"sku": "APPLES"}),
                 "headers": {}, "isBase64Encoded": False, "requestContext": {"http": {"method": "POST"}}},
        lambda: {"fuzz": g.word()}, lambda: [], lambda: None, lambda: "text",
    ]
    return encode_json(g.rng.choice(choices)())


def shape_invoke(g: Gen, params: dict):
    params["InvocationType"] = g.rng.choice(["RequestResponse"] * 6 + ["Event", "DryRun"])
    params["Payload"] = invoke_payload(g)
    params.pop("ClientContext", None)
    if g.chance(0.3):
        params["Qualifier"] = "$LATEST"


SHAPERS: dict[tuple[str, str], Callable[[Gen, dict], None]] = {
    **{("dynamodb", op): shape_ddb_item_operation
       for op in ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan")},
    ("dynamodb", "BatchGetItem"): shape_ddb_batch, ("dynamodb", "BatchWriteItem"): shape_ddb_batch,
    ("dynamodb", "TransactGetItems"): shape_ddb_transaction, ("dynamodb", "TransactWriteItems"): shape_ddb_transaction,
    ("dynamodb", "CreateTable"): shape_ddb_create_table,
    **{("sqs", op): shape_sqs for op in ("CreateQueue", "ReceiveMessage", "SendMessage", "SendMessageBatch",
                                         "DeleteMessageBatch", "ChangeMessageVisibilityBatch",
                                         "SetQueueAttributes", "StartMessageMoveTask")},
    **{("events", op): shape_events for op in ("PutEvents", "PutRule", "PutTargets", "CreateEventBus",
                                               "TestEventPattern")},
    **{("logs", op): shape_logs for op in ("CreateLogGroup", "CreateLogStream", "PutLogEvents", "GetLogEvents",
                                           "FilterLogEvents")},
    ("pipes", "CreatePipe"): shape_pipe, ("pipes", "UpdatePipe"): shape_pipe,
    ("lambda", "CreateEventSourceMapping"): shape_esm, ("lambda", "UpdateEventSourceMapping"): shape_esm,
    ("lambda", "Invoke"): shape_invoke,
}

# Valid-ish values by member name, per service: resource names from the world and values the host understands.
HINTS: dict[str, dict[str, Callable[[Gen], Any]]] = {
    "dynamodb": {
        "TableName": lambda g: FIXTURE["table"] if g.chance(0.3) and not is_destructive(g.operation)
        else g.pick("table"),
        "IndexName": lambda g: "gsi1pk-gsi1sk-index",
        "StreamArn": lambda g: g.pick("stream_arn"),
        "ResourceArn": lambda g: g.world.arn("dynamodb", f"table/{g.pick('table')}"),
        "TableArn": lambda g: g.world.arn("dynamodb", f"table/{g.pick('table')}"),
        "Key": lambda g: ddb_key(g, "commerce"), "Item": lambda g: ddb_item(g, "commerce"),
        "Limit": lambda g: g.rng.randint(1, 50), "ExclusiveStartTableName": lambda g: g.pick("table"),
    },
    "dynamodbstreams": {
        "StreamArn": lambda g: g.pick("stream_arn"), "ShardId": lambda g: g.pick("shard_id"),
        "ShardIterator": lambda g: g.pick("shard_iterator"), "SequenceNumber": lambda g: g.pick("sequence"),
        "TableName": lambda g: g.pick("table"), "Limit": lambda g: g.rng.randint(1, 100),
        "ExclusiveStartShardId": lambda g: g.pick("shard_id"),
        "ExclusiveStartStreamArn": lambda g: g.pick("stream_arn"),
    },
    "sqs": {
        "QueueUrl": lambda g: g.pick("queue_url"), "QueueName": lambda g: g.pick("queue_name"),
        "QueueNamePrefix": lambda g: g.pick("queue_name")[:g.rng.randint(0, 8)],
        "ReceiptHandle": lambda g: g.pick("receipt_handle", default=g.word(20, 40)),
        "MessageBody": message_body, "SourceArn": lambda g: g.pick("queue_arn"),
        "DestinationArn": lambda g: g.pick("queue_arn"), "TaskHandle": lambda g: g.pick("task_handle"),
        "WaitTimeSeconds": lambda g: 0, "MaxNumberOfMessages": lambda g: g.rng.randint(1, 10),
        "VisibilityTimeout": lambda g: g.rng.randint(0, 30), "DelaySeconds": lambda g: 0,
        "MessageGroupId": lambda g: "g1", "MessageDeduplicationId": lambda g: g.fresh("dedup"),
        "NextToken": Gen.token, "MaxResults": lambda g: g.rng.randint(1, 20), "Attributes": queue_attributes,
        "MaxNumberOfMessagesPerSecond": lambda g: g.rng.randint(1, 50),
    },
    "events": {
        "EventBusName": lambda g: g.pick("bus_name"), "Name": events_name, "Rule": lambda g: g.pick("rule_name"),
        "NamePrefix": lambda g: g.rng.choice(["", "fuzz", "Sync"]),
        "EventPattern": lambda g: json.dumps(event_pattern(g)),
        "Detail": lambda g: json.dumps({"n": g.rng.randint(0, 9)}), "Source": lambda g: "fuzz",
        "DetailType": lambda g: "fuzz", "Arn": lambda g: g.pick("queue_arn"), "Event": event_text,
        "Ids": lambda g: [g.pick("target_id", default="queue")], "NextToken": Gen.token,
        "Limit": lambda g: g.rng.randint(1, 50), "ScheduleExpression": lambda g: "rate(5 minutes)",
        "Input": lambda g: json.dumps({"fuzz": True}), "InputPath": lambda g: "$.detail",
        "TargetArn": lambda g: g.pick("queue_arn"), "ResourceARN": lambda g: g.pick("rule_arn"),
        "EventSourceArn": lambda g: g.pick("bus_arn"),
    },
    "logs": {
        "logGroupName": lambda g: g.pick("log_group"), "logGroupIdentifier": lambda g: g.pick("log_group"),
        "logStreamName": lambda g: g.pick("log_stream"), "logStreamNamePrefix": lambda g: g.rng.choice(["", "st"]),
        "logGroupNamePrefix": lambda g: g.rng.choice(["", "/fuzz", "/aws"]), "filterPattern": filter_pattern,
        "limit": lambda g: g.rng.randint(1, 100), "startTime": lambda g: now_ms() - 3_600_000,
        "endTime": lambda g: now_ms() + 60_000, "timestamp": lambda g: now_ms(), "nextToken": Gen.token,
        "message": lambda g: g.word(1, 80), "logStreamNames": lambda g: [g.pick("log_stream")],
        "logGroupNames": lambda g: [g.pick("log_group")], "filterName": lambda g: g.fresh("filter"),
        "destinationArn": lambda g: g.pick("function_arn"),
    },
    "pipes": {
        "Name": lambda g: g.pick("pipe_name"), "Source": lambda g: g.pick("stream_arn"),
        "Target": lambda g: g.pick("bus_arn"), "InputTemplate": input_template,
        "Pattern": lambda g: json.dumps(event_pattern(g)), "NamePrefix": lambda g: g.rng.choice(["", "fuzz", "c"]),
        "NextToken": Gen.token, "Limit": lambda g: g.rng.randint(1, 50),
        "resourceArn": lambda g: g.pick("pipe_arn", default=g.world.arn("pipes", "pipe/commerce-stream-to-bus")),
        "SourcePrefix": lambda g: "arn:aws:dynamodb", "TargetPrefix": lambda g: "arn:aws:events",
    },
    "lambda": {
        "FunctionName": lambda g: g.pick("function_name"), "UUID": lambda g: g.pick("esm_uuid"),
        "EventSourceArn": lambda g: g.pick("queue_arn"), "Qualifier": lambda g: "$LATEST", "Marker": Gen.token,
        "MaxItems": lambda g: g.rng.randint(1, 50), "Payload": invoke_payload,
        "Pattern": lambda g: json.dumps({"body": {"n": [1]}}), "BatchSize": lambda g: g.rng.randint(1, 10),
    },
}


class ValueFactory:
    """Valid-ish requests from botocore shapes: enums, lengths and ranges from the model, names by member (HINTS),
    then the operation's shaper for requests whose members must agree (SHAPERS)."""

    def request(self, g: Gen) -> dict:
        shape = g.spec.input_shape(g.operation)
        params = self.structure(g, shape, 0) if shape else {}
        shaper = SHAPERS.get((g.service, g.operation))
        if shaper:
            shaper(g, params)
        return params

    def structure(self, g: Gen, shape_name: str, depth: int) -> dict:
        shape = g.spec.shapes[shape_name]
        members = {name: member for name, member in shape.get("members", {}).items()
                   if not member.get("deprecated") and not g.spec.shapes[member["shape"]].get("eventstream")}
        required = set(shape.get("required", []))
        if shape.get("union") and members:
            chosen = [g.rng.choice(sorted(members))]
        else:
            rate = OPTIONAL_MEMBER_RATE[0 if depth == 0 else 1]
            chosen = [name for name in members
                      if name in required or (depth < MAX_SHAPE_DEPTH and g.rng.random() < rate)]
        return {name: self.value(g, name, members[name]["shape"], depth + 1) for name in chosen}

    def value(self, g: Gen, member: str, shape_name: str, depth: int) -> Any:
        hint = HINTS.get(g.service, {}).get(member)
        if hint:
            return hint(g)
        shape = g.spec.shapes[shape_name]
        kind = shape["type"]
        if kind == "structure":
            return self.structure(g, shape_name, depth) if depth <= 2 * MAX_SHAPE_DEPTH else {}
        if kind == "list":
            low = int(shape.get("min", 0))
            count = low if depth >= MAX_SHAPE_DEPTH else g.rng.randint(low, max(low, 2))
            return [self.value(g, member, shape["member"]["shape"], depth + 1) for _ in range(count)]
        if kind == "map":
            count = g.rng.randint(int(shape.get("min", 0)), 2) if depth < MAX_SHAPE_DEPTH else 0
            return {self.value(g, "key", shape["key"]["shape"], depth + 1):
                    self.value(g, member, shape["value"]["shape"], depth + 1) for _ in range(count)}
        return self.scalar(g, shape)

    @staticmethod
    def scalar(g: Gen, shape: dict) -> Any:
        kind = shape["type"]
        if kind == "string":
            if "enum" in shape:
                return g.rng.choice(shape["enum"])
            low, high = int(shape.get("min", 1)), int(shape.get("max", 24))
            return g.word(max(low, 1), max(min(high, 24), low, 1))
        if kind in ("integer", "long"):
            low = int(shape.get("min", 0))
            high = int(shape.get("max", low + 100))
            return g.rng.randint(low, min(high, low + 100))
        if kind == "boolean":
            return g.chance(0.5)
        if kind in ("double", "float"):
            return round(g.rng.uniform(0, 100), 3)
        if kind == "timestamp":
            return int(time.time()) - g.rng.randint(0, 3600)
        if kind == "blob":
            return g.word(4, 16).encode()
        return g.word()


# ---------------------------------------------------------------------------------------------------------------
# Commerce routes


def commerce_body(g: Gen, path: str) -> dict:
    rng = g.rng
    ident = lambda prefix: f"{prefix}{rng.randrange(10 ** 6):06d}"  # noqa: E731
    listing = {"sortDirection": rng.choice(["asc", "desc"]), "limit": rng.randint(1, 100)}
    action = path.rsplit("/", 1)[-1]
    if action == "placeOrder":
        return {"orderId": ident("FZORDER"), "sku": rng.choice(["APPLES", "PEARS", "FUZZSKU1"]),
                "units": rng.randint(1, 20), "price": round(rng.uniform(0, 100), 2), "userId": "FUZZUSER"}
    if action == "restockSku":
        return {"sku": rng.choice(["APPLES", "PEARS", "FUZZSKU1"]), "units": rng.randint(1, 50),
                "lotId": ident("FZLOT")}
    if action == "simulateRawEvent":
        return {"pk": ident("FUZZ#"), "sk": "EVENT#FUZZ",
                "eventName": rng.choice(["FUZZ_EVENT", "ORDER_SHIPPED_EVENT"]),
                "eventData": {"orderId": ident("FZORDER"), "units": 1}}
    key = {"listSkus": "sku", "listOrders": "orderId", "listOrderPayments": "orderId"}.get(action)
    if key and g.chance(0.4):
        listing[key] = ident("FZ")
    return listing


COMMERCE_REQUIRED = {
    "placeOrder": ["orderId", "sku", "units", "price", "userId"], "restockSku": ["sku", "units", "lotId"],
    "simulateRawEvent": ["pk", "sk", "eventName"],
}


# ---------------------------------------------------------------------------------------------------------------
# Drafts and mutations


@dataclasses.dataclass
class Draft:
    """A request before it is put on the wire: its members, then what a mutation changed."""

    service: str
    operation: str
    params: dict
    mutation: str = "none"
    detail: str = ""
    method: str | None = None
    path: str | None = None  # replaces the path and query built from the members (already encoded)
    headers: dict = dataclasses.field(default_factory=dict)  # replaced headers: None removes, a list repeats
    body: bytes | None = None  # replaces the serialized body
    body_transform: Callable[[bytes], bytes] | None = None
    framing: str = "normal"

    @property
    def http_level(self) -> bool:
        """Broken on purpose below the AWS layer: may be refused with a bare 4xx or a closed connection."""
        return self.framing not in ("normal", "chunked")


# Copied where used: later mutations change what they are put into.
WRONG_TYPE_VALUES = [123, -1.5, "a-string", True, None, [], {}, [1, "a", None], {"nested": {"x": 1}}, ""]
BOUNDARY_NUMBERS = [
    0, -1, 2 ** 31, 2 ** 31 - 1, -2 ** 31 - 1, 2 ** 63, 2 ** 63 - 1, -2 ** 63, -2 ** 63 - 1, 2 ** 64, 1e308, -1e308,
    0.5, -0.0, 5e-324, Raw("1e999"), Raw("-1e999"), Raw("1" * 5000, "5000-digit number"), Raw("-0"), Raw("1E+2"),
    Raw("0.0000000000000000000000000000000000000000001"), "NaN", "-1", "99999999999999999999999999",
]
DDB_NUMBER_STRINGS = [
    "1e126", "1e-131", "9.9999999999999999999999999999999999999E+125", "1E+200", "-0", "0" * 5000, "9" * 39,
    "9" * 5000, "NaN", "Infinity", " 1", "0x10", "", "1e", "--1", "1.2.3", "1e2147483648", "1e-2147483649",
]
BAD_UTF8 = [b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x80\x80", b"\xfe\xff"]
NON_JSON_BODIES = [
    b"hello", b"null", b"[]", b"123", b'"str"', b"true", b"<xml/>", b"a=b&c=d", b"{", b"}", b'{"a":1}{"b":2}',
    b'{"a":1,}', b"{'a':1}", b"\x00\x01\x02", b'{"a":1', b"\xef\xbb\xbf{}", b'{"a": NaN}', b"{/* c */}",
    b'{"a":"\\uZZZZ"}', b'{"a":"\\ud800"}', b'{"a":"unterminated}', b"   ", b'{"a":1}   x',
]
TOKEN_MEMBERS = {"NextToken", "nextToken", "Marker", "ExclusiveStartShardId", "ShardIterator", "ReceiptHandle",
                 "TaskHandle", "ExclusiveStartKey", "ExclusiveStartTableName", "SequenceNumber", "sequenceToken",
                 "UUID", "ExclusiveStartStreamArn"}
LIMIT_MEMBERS = {"Limit", "limit", "MaxResults", "MaxItems", "MaxNumberOfMessages", "BatchSize", "maxResults",
                 "MaxRecords", "WaitTimeSeconds", "VisibilityTimeout", "DelaySeconds", "MaximumBatchingWindowInSeconds"}
EXPRESSION_MEMBERS = ("KeyConditionExpression", "FilterExpression", "ConditionExpression", "UpdateExpression",
                      "ProjectionExpression")
PATTERN_MEMBERS = {
    ("events", "PutRule"): "EventPattern", ("events", "TestEventPattern"): "EventPattern",
    ("logs", "FilterLogEvents"): "filterPattern", ("logs", "TestMetricFilter"): "filterPattern",
    ("logs", "PutMetricFilter"): "filterPattern", ("logs", "PutSubscriptionFilter"): "filterPattern",
    ("pipes", "CreatePipe"): "FilterCriteria", ("pipes", "UpdatePipe"): "FilterCriteria",
    ("lambda", "CreateEventSourceMapping"): "FilterCriteria", ("lambda", "UpdateEventSourceMapping"): "FilterCriteria",
}


def slots(value: Any, path: str = ""):
    """Every (container, key, value, path) inside a request's members, depth first."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        where = f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]"
        yield value, key, item, where.lstrip(".")
        yield from slots(item, where)


def pick_slot(g: Gen, draft: Draft, accept: Callable[[Any], bool] = lambda v: True):
    candidates = [slot for slot in slots(draft.params) if accept(slot[2])]
    return g.rng.choice(candidates) if candidates else None


def huge_text(g: Gen) -> str:
    size = 1_048_576 if g.chance(0.08) else g.rng.choice([300, 5000, 70_000, 300_000])
    unit = g.rng.choice(["A", "é", "\U0001d11e", "\u0000", "\\", '"', "<$.a>", "#", "%", " "])
    return (unit * (size // len(unit.encode("utf-8", "surrogatepass")) + 1))[:size]


def mutate_wrong_type(g: Gen, draft: Draft) -> str:
    slot = pick_slot(g, draft)
    if slot is None:
        draft.params[g.word()] = 1
        return "no members"
    container, key, value, where = slot
    replacement = copy.deepcopy(g.rng.choice([v for v in WRONG_TYPE_VALUES if type(v) is not type(value)]))
    container[key] = replacement
    return f"{where}: {type(value).__name__} -> {json.dumps(replacement)}"


def mutate_missing_required(g: Gen, draft: Draft) -> str:
    required = COMMERCE_REQUIRED.get(draft.operation.rsplit("/", 1)[-1], []) if draft.service == "commerce" else \
        draft_required(g, draft)
    present = [name for name in required if name in draft.params]
    if present:
        name = g.rng.choice(present)
        del draft.params[name]
        return f"without {name}"
    slot = pick_slot(g, draft)
    if slot is None:
        return "nothing to remove"
    del slot[0][slot[1]]
    return f"without {slot[3]}"


def draft_required(g: Gen, draft: Draft) -> list[str]:
    shape = g.spec.input_shape(draft.operation) if g.spec else None
    return list(g.spec.shapes[shape].get("required", [])) if shape else []


def mutate_extra_members(g: Gen, draft: Draft) -> str:
    containers = [draft.params] + [v for _, _, v, _ in slots(draft.params) if isinstance(v, dict)]
    target = g.rng.choice(containers)
    count = g.rng.choice([1, 1, 3, 500])
    for _ in range(count):
        target[f"Fuzz{g.word(2, 8)}"] = copy.deepcopy(g.rng.choice(WRONG_TYPE_VALUES))
    return f"{count} unknown members"


def mutate_null(g: Gen, draft: Draft) -> str:
    slot = pick_slot(g, draft)
    if slot is None:
        return "no members"
    slot[0][slot[1]] = None
    return f"{slot[3]} = null"


def mutate_boundary_number(g: Gen, draft: Draft) -> str:
    number_string = pick_slot(g, draft, lambda v: isinstance(v, dict) and set(v) == {"N"})
    if number_string and g.chance(0.5):
        number_string[2]["N"] = value = g.rng.choice(DDB_NUMBER_STRINGS)
        return f"{number_string[3]}.N = {value[:40]!r}"
    slot = pick_slot(g, draft, lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
    slot = slot or pick_slot(g, draft)
    value = g.rng.choice(BOUNDARY_NUMBERS)
    if slot is None:
        draft.params["Limit"] = value
        return f"Limit = {value!r}"
    slot[0][slot[1]] = value
    return f"{slot[3]} = {value!r}"[:120]


def mutate_huge_string(g: Gen, draft: Draft) -> str:
    text = huge_text(g)
    slot = pick_slot(g, draft, lambda v: isinstance(v, str)) or pick_slot(g, draft)
    if slot is None or g.chance(0.15):
        container = draft.params if slot is None else g.rng.choice(
            [draft.params] + [v for _, _, v, _ in slots(draft.params) if isinstance(v, dict)])
        container[text[:70_000]] = "huge key"
        return f"{min(len(text), 70_000)}-character key"
    slot[0][slot[1]] = text
    return f"{slot[3]} = {len(text)} characters of {text[:1]!r}"


def mutate_deep_json(g: Gen, draft: Draft) -> str:
    depth = g.rng.choice([1000, 10_000, 10_000, 10_000, 100_000])
    deep = deep_json(depth, g.rng.choice(["array", "object"]))
    if g.chance(0.2):
        draft.body = deep.data
        return f"body is {deep.label}"
    slot = pick_slot(g, draft)
    if slot is None:
        draft.params["Fuzz"] = deep
        return f"Fuzz = {deep.label}"
    slot[0][slot[1]] = deep
    return f"{slot[3]} = {deep.label}"


def mutate_invalid_utf8(g: Gen, draft: Draft) -> str:
    bad = g.rng.choice(BAD_UTF8)
    raw = Raw(b'"fuzz' + bad + b'"', f"string with {bad!r}")
    if g.chance(0.1):
        raw = Raw(b'"\\ud800\\u0000"', "escaped lone surrogate")
    slot = pick_slot(g, draft, lambda v: isinstance(v, str))
    if slot is None or g.chance(0.2):
        draft.params[Raw(b'"Fuzz' + bad + b'"', "invalid key")] = raw
        return f"key and value with {bad!r}"
    slot[0][slot[1]] = raw
    return f"{slot[3]} = {raw.label}"


def mutate_bad_token(g: Gen, draft: Draft) -> str:
    members = sorted(TOKEN_MEMBERS & set(g.spec.input_members(draft.operation)))
    member = g.rng.choice(members)
    if member == "ExclusiveStartKey":
        value = g.rng.choice([{}, {"pk": {"S": ""}}, {"zz": {"N": "1"}}, {"pk": {"N": "-1"}, "sk": {"B": "!!"}},
                              {"pk": {"S": "x" * 3000}, "sk": {"S": "y"}}, {"pk": deep_json(10_000)}])
    else:
        value = g.rng.choice([
            base64.b64encode(g.word(8, 40).encode()).decode(), base64.b64encode(b"-1").decode(),
            base64.b64encode(str(2 ** 64).encode()).decode(), base64.b64encode(b'{"offset":-5}').decode(),
            base64.b64encode(b'{"offset":99999999999999999999}').decode(), base64.b64encode(b"{garbage").decode(),
            base64.b64encode(b"\xff\xfe\x00").decode(), "", "==", "%%%", "-1", "0", "A" * 100_000,
            base64.b64encode(json.dumps({"k": [1] * 10, "n": -2 ** 63}).encode()).decode(),
            "shardId-00000000000000000000-00000000", "arn:aws:dynamodb:us-east-1:000000000000:table/x/stream/y",
        ])
    draft.params[member] = value
    return f"{member} = {text_of(value)[:60]!r}"


def mutate_limit(g: Gen, draft: Draft) -> str:
    members = sorted(LIMIT_MEMBERS & set(g.spec.input_members(draft.operation)))
    member = g.rng.choice(members)
    value = g.rng.choice([0, -1, -2 ** 31, 2 ** 31, 2 ** 63, Raw("1" + "0" * 30), 1e308, 1.5, "10", 1001, 10 ** 6])
    draft.params[member] = value
    return f"{member} = {value!r}"


def mutate_scan_segments(g: Gen, draft: Draft) -> str:
    segment, total = g.rng.choice([
        (0, 0), (5, 5), (-1, 4), (0, -1), (0, 1_000_001), (2 ** 31, 2 ** 31 + 1), (999_999, 1_000_000), (0, None),
        (None, 4), (1, 1), (2 ** 63, 2 ** 63), (0, 1_000_000)])
    for member, value in (("Segment", segment), ("TotalSegments", total)):
        if value is None:
            draft.params.pop(member, None)
        else:
            draft.params[member] = value
    return f"Segment={segment} TotalSegments={total}"


def deep_expression(g: Gen) -> tuple[str, str]:
    n = g.rng.choice([1000, 5000, 20_000])
    form = g.rng.randrange(8)
    if form == 0:
        return "(" * n + "#a = :v" + ")" * n, f"{n} nested parentheses"
    if form == 1:
        return " AND ".join(["#a = :v"] * n), f"{n}-term AND chain"
    if form == 2:
        return " OR ".join(["#a = :v"] * n), f"{n}-term OR chain"
    if form == 3:
        return "NOT " * n + "attribute_exists(#a)", f"{n} NOTs"
    if form == 4:
        return "size(" * n + "#a" + ")" * n + " > :v", f"{n} nested size()"
    if form == 5:
        return ".".join(["#a"] * n) + " = :v", f"{n}-element path"
    if form == 6:
        return "#a" + "[0]" * n + " = :v", f"{n} list indexes"
    return "#a[99999999999999999999] = :v", "huge list index"


def mutate_deep_expression(g: Gen, draft: Draft) -> str:
    members = [m for m in EXPRESSION_MEMBERS if m in g.spec.input_members(draft.operation)]
    member = g.rng.choice(members)
    draft.params.setdefault("ExpressionAttributeNames", {})["#a"] = "a"
    draft.params.setdefault("ExpressionAttributeValues", {})[":v"] = {"N": "1"}
    n = g.rng.choice([5000, 20_000])
    if member == "UpdateExpression":
        text, label = g.rng.choice([
            ("SET #a = " + " + ".join([":v"] * n), f"{n}-term sum"),
            ("SET " + ", ".join(f"a{i} = :v" for i in range(n)), f"{n} assignments"),
            ("SET #a = " + "if_not_exists(#a, " * n + ":v" + ")" * n, f"{n} nested if_not_exists"),
            ("SET #a = " + "list_append(" * 2000 + "#a" + ", :l)" * 2000, "2000 nested list_append"),
        ])
        draft.params["ExpressionAttributeValues"][":l"] = {"L": []}
    elif member == "ProjectionExpression":
        names = {f"#n{i}": f"attr{i}" for i in range(20_000)}
        if g.chance(0.5):
            draft.params["ExpressionAttributeNames"].update(names)
            text, label = ", ".join(names), "20000 projected names"
        else:
            text, label = ", ".join(f"a{i}" for i in range(20_000)), "20000 projected attributes"
    else:
        text, label = deep_expression(g)
    draft.params[member] = text
    return f"{member}: {label}"


def deep_pattern_text(g: Gen) -> tuple[str, str]:
    n = g.rng.choice([1000, 10_000])
    form = g.rng.randrange(6)
    if form == 0:
        return '{"detail":' + '{"a":' * n + '["x"]' + "}" * n + "}", f"{n}-deep pattern"
    if form == 1:
        return '{"detail":{"a":' + "[" * n + '"x"' + "]" * n + "}}", f"{n}-deep array in a pattern"
    if form == 2:
        return json.dumps({"detail": {f"f{i}": ["x"] for i in range(n)}}), f"{n} fields"
    if form == 3:
        return json.dumps({"source": [f"v{i}" for i in range(n)]}), f"{n} values"
    if form == 4:
        return json.dumps({"source": [{"wildcard": "*a" * 500 + "b"}]}), "backtracking wildcard"
    return json.dumps({"$or": [{"$or": [{"source": ["x"]}] * 50}] * 50}), "2500 $or branches"


def deep_filter_pattern(g: Gen) -> tuple[str, str]:
    n = g.rng.choice([1000, 10_000])
    return g.rng.choice([
        ("(" * n + "ERROR" + ")" * n, f"{n} nested parentheses"),
        (" || ".join(["ERROR"] * n), f"{n}-term OR"), ("{ " + " && ".join(["($.a = 1)"] * n) + " }", f"{n}-term &&"),
        ("{ (" * n + "$.a = 1" + ") }" * n, f"{n} nested JSON conditions"),
        ("{ $." + ".".join(["a"] * n) + " = 1 }", f"{n}-element JSON path"),
        ("[" + ", ".join(f"f{i}" for i in range(n)) + "]", f"{n} space-delimited fields"),
        ("%(a+)+b%", "backtracking regex"), ('"' * 3 + "{", "unbalanced quotes"), ("?" * n, f"{n} question marks"),
    ])


def mutate_deep_pattern(g: Gen, draft: Draft) -> str:
    member = PATTERN_MEMBERS[(draft.service, draft.operation)]
    if member == "filterPattern":
        text, label = deep_filter_pattern(g)
        draft.params["filterPattern"] = text
        if draft.operation == "TestMetricFilter":
            draft.params["logEventMessages"] = ["a" * 5000 + "c", '{"a": 1}', "ERROR x"]
    elif member == "FilterCriteria":
        text, label = deep_pattern_text(g)
        criteria = {"Filters": [{"Pattern": text}]}
        if draft.service == "pipes":
            draft.params.setdefault("SourceParameters", {})["FilterCriteria"] = criteria
        else:
            draft.params["FilterCriteria"] = criteria
    else:
        text, label = deep_pattern_text(g)
        draft.params["EventPattern"] = text
    return f"{member}: {label}"


def mutate_many_placeholders(g: Gen, draft: Draft) -> str:
    n = g.rng.choice([1000, 10_000, 50_000])
    if draft.service == "pipes":
        template = g.rng.choice([input_template(g, n), "<$.dynamodb>" * n, "{" + '"a": <$.x>,' * n + '"b": 1}'])
        draft.params.setdefault("TargetParameters", {})["InputTemplate"] = template
        return f"InputTemplate with {n} placeholders"
    paths = {f"k{i}": f"$.detail.f{i}" for i in range(min(n, 10_000))}
    target = {"Id": g.fresh("t"), "Arn": g.pick("queue_arn"), "InputTransformer": {
        "InputPathsMap": paths, "InputTemplate": " ".join(f"<k{i % len(paths)}>" for i in range(n))}}
    draft.params["Targets"] = [target]
    return f"InputTransformer with {len(paths)} paths, {n} placeholders"


TIME_NUMBERS = [1e16, -1e16, 9.3e15, 1e300, -1e300, 2 ** 63, -2 ** 63, 2 ** 53 + 1, 0, -1, 253402300800,
                -62135596801, 1e-300, Raw("1e999")]
TIME_TEXTS = ["1e300", "-1e300", "inf", "-inf", "nan", "99999999999999999", "9999-12-31T23:59:59Z",
              "10000-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "-1", "2026-13-45T99:99:99Z", "", "x" * 300]
TIME_MEMBERS = {("events", "PutEvents"), ("pipes", "CreatePipe"), ("pipes", "UpdatePipe"),
                ("lambda", "CreateEventSourceMapping"), ("logs", "PutLogEvents"), ("logs", "GetLogEvents"),
                ("logs", "FilterLogEvents"), ("dynamodb", "PutItem"), ("dynamodb", "UpdateItem"),
                ("dynamodb", "BatchWriteItem")}


def mutate_time(g: Gen, draft: Draft) -> str:
    """Extreme times where the host turns them into dates or milliseconds."""
    number, text = g.rng.choice(TIME_NUMBERS), g.rng.choice(TIME_TEXTS)
    key = (draft.service, draft.operation)
    if key == ("events", "PutEvents"):
        for entry in draft.params.get("Entries", []):
            if isinstance(entry, dict):
                entry["Time"] = number
        return f"Entries[].Time = {number!r}"
    if draft.service == "pipes":
        bus = draft.params.setdefault("TargetParameters", {}).setdefault("EventBridgeEventBusParameters", {})
        bus["Time"] = text if g.chance(0.6) else f"$.dynamodb.NewImage.{FIXTURE['time_attribute']}.S"
        return f"EventBridgeEventBusParameters.Time = {bus['Time'][:40]!r}"
    if draft.service == "lambda":
        draft.params.update({"StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": number,
                             "EventSourceArn": g.pick("stream_arn")})
        return f"StartingPositionTimestamp = {number!r}"
    if key == ("logs", "PutLogEvents"):
        draft.params["logEvents"] = [{"timestamp": number, "message": "fuzz"}]
        return f"timestamp = {number!r}"
    if draft.service == "logs":
        member = g.rng.choice(["startTime", "endTime"])
        draft.params[member] = number
        return f"{member} = {number!r}"
    value = {"S": text} if g.chance(0.7) else {"N": g.rng.choice(["9.9999999999999999999999999999999999999E+125",
                                                                   "1E-130", "-9.9E+125", "1e16"])}
    draft.params["TableName"] = FIXTURE["table"]
    draft.params["Item"] = ddb_item(g, FIXTURE["table"])
    if draft.operation == "UpdateItem":
        draft.params.update({"Key": ddb_key(g, FIXTURE["table"]), "UpdateExpression": "SET #t = :t",
                             "ExpressionAttributeNames": {"#t": FIXTURE["time_attribute"]},
                             "ExpressionAttributeValues": {":t": value}})
        for member in ("Item", "ConditionExpression"):
            draft.params.pop(member, None)
    elif draft.operation == "BatchWriteItem":
        item = ddb_item(g, FIXTURE["table"])
        item[FIXTURE["time_attribute"]] = value
        draft.params["RequestItems"] = {FIXTURE["table"]: [{"PutRequest": {"Item": item}}]}
        draft.params.pop("Item", None)
        draft.params.pop("TableName", None)
    else:
        draft.params["Item"][FIXTURE["time_attribute"]] = value
        for member in ("ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues"):
            draft.params.pop(member, None)
    return f"{FIXTURE['time_attribute']} = {value}"[:80]


def mutate_truncated_json(g: Gen, draft: Draft) -> str:
    fraction = g.rng.random()
    draft.body_transform = lambda body: body[:int(len(body) * fraction)]
    return f"body cut at {fraction:.0%}"


def mutate_empty_body(g: Gen, draft: Draft) -> str:
    draft.body = b""
    return "empty body"


def mutate_non_json(g: Gen, draft: Draft) -> str:
    draft.body = g.rng.choice(NON_JSON_BODIES)
    return f"body {draft.body[:30]!r}"


def mutate_content_type(g: Gen, draft: Draft) -> str:
    value = g.rng.choice([None, "text/plain", "application/json", "application/x-amz-json-1.1",
                          "application/x-amz-json-1.0; charset=utf-16", "application/xml", "x" * 5000])
    draft.headers["Content-Type"] = value
    return f"Content-Type {str(value)[:40]}"


def mutate_bad_target(g: Gen, draft: Draft) -> str:
    prefix, op = g.spec.target_prefix, draft.operation
    value = g.rng.choice([
        f"{prefix}.{op.lower()}", f"{prefix}.", prefix, "", f"{prefix}.{op}.{op}", f"AmazonSQS.{op}",
        f"Logs_20140328.{op}", "X" * 10_000, f"{prefix}.{op}\u00e9", f"{prefix}.{op} ", f"{prefix}.__proto__",
        f" {prefix}.{op}", f"{prefix}..{op}", None,
    ])
    draft.headers["X-Amz-Target"] = value
    return f"X-Amz-Target {value!r}"[:80]


def mutate_wrong_method(g: Gen, draft: Draft) -> str:
    draft.method = g.rng.choice(["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "POST"])
    if draft.method == "OPTIONS" and draft.service == "commerce":
        draft.headers.update({"Origin": "http://example.com", "Access-Control-Request-Method": "POST"})
    return f"method {draft.method}"


def mutate_bad_path(g: Gen, draft: Draft) -> str:
    uri_members = [name for name, member in g.spec.input_members(draft.operation).items()
                   if member.get("location") == "uri"]
    value = g.rng.choice([
        "", "..", "%2F", "a/b", "%00", "%zz", "%", "\U0001F600", "x" * 10_000, "%2e%2e", "a%20b", "$LATEST",
        "arn:aws:lambda:us-east-1:000000000000:function:x:y:z", "-1", "   ",
    ])
    if uri_members:
        draft.params[g.rng.choice(uri_members)] = RawText(urllib.parse.quote(value, safe="%/:$"))
        return f"path member {value[:40]!r}"
    draft.path = "/" + g.rng.choice(["2015-03-31/functions/", "v1/pipes/", "2015-03-31/event-source-mappings/"]) \
        + urllib.parse.quote(value, safe="%/")
    return f"path {draft.path[:60]!r}"


def mutate_bad_query(g: Gen, draft: Draft) -> str:
    base = build_path(g.spec, draft)
    query = g.rng.choice(["MaxItems=-1", "MaxItems=abc", "MaxItems=99999999999999999999", "Limit=0&Limit=5",
                          "%zz=1&&&=", "Marker=" + "A" * 10_000, "NextToken=%00", "Qualifier=", "=="])
    draft.path = base.split("?", 1)[0] + "?" + query
    return f"query {query[:40]!r}"


def mutate_commerce_route(g: Gen, draft: Draft) -> str:
    route = draft.operation.split(" ", 1)[1]
    draft.path = g.rng.choice([
        route + "/extra", route.replace("/api/v1", "/api/v2"), "/" + route, route + "?a=" + "b" * 5000,
        route.upper(), route + "%00", "/api/v1/../v1/" + route.split("/api/v1/", 1)[-1], "/", "/x" * 3000,
        route + "#frag", "*",
    ])
    return f"path {draft.path[:60]!r}"


class RawText(str):
    """A path member already encoded (it may hold a bad percent-encoding or a slash on purpose)."""


# Framing mutations: the variant is chosen here, frame() writes it.

FRAMINGS = {
    "short-body": ["short-body"],
    "long-body": ["long-body"],
    "bad-content-length": ["cl-text", "cl-negative", "cl-twice", "cl-plus", "cl-huge", "cl-and-chunked"],
    "chunked": ["chunked"],
    "bad-chunked": ["chunk-size-text", "chunk-size-short", "chunk-no-end", "chunk-size-huge", "chunk-ext-junk",
                    "chunk-no-crlf", "chunk-negative"],
    "bad-request-line": ["http10", "http-future", "nul-in-path", "two-spaces", "lower-method", "no-version",
                         "unknown-method", "raw-unicode-path"],
    "huge-header": ["header-100k", "headers-2000"],
}


def mutate_framing(kind: str) -> Callable[[Gen, Draft], str]:
    def mutate(g: Gen, draft: Draft) -> str:
        draft.framing = g.rng.choice(FRAMINGS[kind])
        return draft.framing
    return mutate


def mutate_oversize(g: Gen, draft: Draft) -> str:
    filler = "A" * OVERSIZE_BODY_BYTES
    draft.body = encode_json({"Fuzz": filler})
    draft.framing = "oversize"
    return f"{len(draft.body)}-byte body"


def mutate_foreign_origin(g: Gen, draft: Draft) -> str:
    """What a web page could send: the AWS endpoint must refuse it in AWS's shape, the HTTP API apply its CORS."""
    headers = g.rng.choice([
        {"Origin": "http://evil.example"}, {"Origin": "null"}, {"Host": "evil.example"},
        {"Host": "localhost.evil.example:4566"}, {"Origin": "http://127.0.0.1.evil.example"}, {"Host": ""},
        {"Origin": "file://"}, {"Origin": "x" * 5000}, {"Host": "[::1"}, {"Origin": "http://[::1]:80"},
    ])
    draft.headers.update(headers)
    return ", ".join(f"{k}: {v[:40]!r}" for k, v in headers.items())


def mutate_authorization(g: Gen, draft: Draft) -> str:
    """Signature headers, broken: ignored unless the host verifies signatures, then refused in AWS's shape."""
    scope = "AKIDEXAMPLE/20260101/us-east-1/" + g.rng.choice(["dynamodb", "sqs", "events", "logs", "lambda", "x"])
    value = g.rng.choice([
        "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 ", f"AWS4-HMAC-SHA256 Credential={scope}/aws4_request",
        f"AWS4-HMAC-SHA256 Credential={scope}/aws4_request, SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=", "AWS4-HMAC-SHA256 ,,,,=,=,", "Bearer x",
        "AWS4-HMAC-SHA256 Credential=" + "/" * 5000 + ", SignedHeaders=host, Signature=" + "f" * 64,
    ])
    draft.headers.update({"Authorization": value,
                          "X-Amz-Date": g.rng.choice(["20260101T000000Z", "x", "99999999T999999Z", ""])})
    if g.chance(0.2):
        draft.path = (draft.path or "/") + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=-1"
    return f"Authorization: {value[:50]}"


def mutate_odd_http(g: Gen, draft: Draft) -> str:
    """HTTP the API Gateway mapping has to carry into the event: repeated headers, cookies, odd query strings,
    binary bodies."""
    route = draft.operation.split(" ", 1)[1]
    variant = g.rng.randrange(6)
    if variant == 0:
        draft.path = route + "?" + g.rng.choice(["a=1&a=2&a=3", "%zz&=&b&&", "x=" + "%C3%A9" * 2000, "=" * 100])
        return f"query {draft.path[len(route):][:40]!r}"
    if variant == 1:
        draft.headers["Cookie"] = ["a=1; b=2", ";;;", "c=" + "x" * 4000]
        return "cookies"
    if variant == 2:
        draft.headers["X-Dup"] = [str(i) for i in range(200)]
        return "200 repeated headers"
    if variant == 3:
        draft.headers["Content-Type"] = "application/octet-stream"
        draft.body = bytes(range(256)) * 64
        return "binary body"
    if variant == 4:
        draft.headers["Content-Encoding"] = "gzip"
        return "Content-Encoding gzip, body not compressed"
    draft.headers["X-Fuzz"] = "caf\u00e9 \u2603"
    return "non-ASCII header value"


def mutate_commerce_absurd(g: Gen, draft: Draft) -> str:
    field = g.rng.choice(sorted(draft.params) or ["orderId"])
    value = g.rng.choice([
        huge_text(g), "    ", "\u0000\u0000\u0000\u0000", "\U0001F600" * 4, -1, 0, 2 ** 63, -2 ** 63, 1e308,
        Raw("1" * 5000, "5000-digit number"), Raw("1e999"), 0.0000001, 3.5, "20", [], {"a": 1}, True, None,
        "ORDER_PAYMENT_ACCEPTED_EVENT", "x" * 5, "a" * 2_000_000 if g.chance(0.02) else "abcd",
    ])
    draft.params[field] = value
    shown = value if not isinstance(value, str) or len(value) < 40 else f"{len(value)} characters"
    return f"{field} = {shown!r}"[:100]


@dataclasses.dataclass
class Mutation:
    name: str
    weight: float
    apply: Callable[[Gen, Draft], str]
    applies: Callable[[ServiceSpec | None, str], bool]


def for_json(spec, op):
    return spec is not None and spec.protocol == "json"


def for_rest(spec, op):
    return spec is not None and spec.protocol == "rest-json"


def for_aws(spec, op):
    return spec is not None


def for_all(spec, op):
    return True


def for_commerce(spec, op):
    return spec is None


def has_members(names):
    return lambda spec, op: spec is not None and bool(set(names) & set(spec.input_members(op)))


MUTATIONS = [
    Mutation("wrong-type", 10, mutate_wrong_type, for_all),
    Mutation("missing-required", 6, mutate_missing_required, for_all),
    Mutation("extra-members", 5, mutate_extra_members, for_all),
    Mutation("null-member", 3, mutate_null, for_all),
    Mutation("boundary-number", 8, mutate_boundary_number, for_all),
    Mutation("huge-string", 5, mutate_huge_string, for_all),
    Mutation("deep-json", 4, mutate_deep_json, for_all),
    Mutation("invalid-utf8", 4, mutate_invalid_utf8, for_all),
    Mutation("bad-token", 6, mutate_bad_token, has_members(TOKEN_MEMBERS)),
    Mutation("limit-extreme", 6, mutate_limit, has_members(LIMIT_MEMBERS)),
    Mutation("scan-segments", 20, mutate_scan_segments, lambda spec, op: spec and spec.name == "dynamodb"
             and op == "Scan"),
    Mutation("deep-expression", 10, mutate_deep_expression, lambda spec, op: spec and spec.name == "dynamodb"
             and has_members(EXPRESSION_MEMBERS)(spec, op)),
    Mutation("deep-pattern", 12, mutate_deep_pattern, lambda spec, op: spec and (spec.name, op) in PATTERN_MEMBERS),
    Mutation("many-placeholders", 12, mutate_many_placeholders,
             lambda spec, op: spec and (spec.name, op) in {("pipes", "CreatePipe"), ("pipes", "UpdatePipe"),
                                                           ("events", "PutTargets")}),
    Mutation("time-extreme", 15, mutate_time, lambda spec, op: spec and (spec.name, op) in TIME_MEMBERS),
    Mutation("truncated-json", 4, mutate_truncated_json, for_all),
    Mutation("empty-body", 2, mutate_empty_body, for_all),
    Mutation("non-json-body", 4, mutate_non_json, for_all),
    Mutation("content-type", 2, mutate_content_type, for_all),
    Mutation("bad-target", 3, mutate_bad_target, for_json),
    Mutation("wrong-method", 2, mutate_wrong_method, lambda spec, op: spec is None or spec.protocol == "rest-json"),
    Mutation("bad-path", 4, mutate_bad_path, for_rest),
    Mutation("bad-query", 2, mutate_bad_query, for_rest),
    Mutation("bad-route", 3, mutate_commerce_route, for_commerce),
    Mutation("absurd-field", 10, mutate_commerce_absurd, for_commerce),
    Mutation("odd-http", 4, mutate_odd_http, for_commerce),
    Mutation("foreign-origin", 1.5, mutate_foreign_origin, for_all),
    Mutation("authorization", 1.5, mutate_authorization, for_aws),
    Mutation("short-body", 1, mutate_framing("short-body"), for_all),
    Mutation("long-body", 1, mutate_framing("long-body"), for_all),
    Mutation("bad-content-length", 1, mutate_framing("bad-content-length"), for_all),
    Mutation("chunked", 1.5, mutate_framing("chunked"), for_all),
    Mutation("bad-chunked", 1.5, mutate_framing("bad-chunked"), for_all),
    Mutation("bad-request-line", 0.5, mutate_framing("bad-request-line"), for_all),
    Mutation("huge-header", 0.5, mutate_framing("huge-header"), for_all),
]
OVERSIZE = Mutation("oversize-body", 0, mutate_oversize, for_all)


# ---------------------------------------------------------------------------------------------------------------
# Planning: which service, operation and mutation request i gets (from the seed alone), then its values


class Planner:
    def __init__(self, seed: str, specs: dict[str, ServiceSpec], topology: dict, world: World,
                 implemented: dict[tuple[str, str], bool], oversize_at: set[int], excluded: frozenset = frozenset()):
        self.seed = seed
        self.mutations = [m for m in MUTATIONS if m.name not in excluded]
        self.specs = specs
        self.world = world
        self.factory = ValueFactory()
        self.oversize_at = oversize_at
        self.routes = sorted(route for api in topology.get("httpApis", {}).values() for route in api["routes"])
        self.operations = {
            name: (sorted(spec.operations), [self.weight(name, op, implemented) for op in sorted(spec.operations)])
            for name, spec in specs.items()}
        self.services = sorted(SERVICE_WEIGHTS)

    @staticmethod
    def weight(service: str, operation: str, implemented: dict[tuple[str, str], bool]) -> float:
        if not implemented.get((service, operation), True):
            return UNIMPLEMENTED_WEIGHT
        return OPERATION_WEIGHTS.get((service, operation), 1)

    def draft(self, index: int) -> tuple[Draft, Gen]:
        plan = random.Random(f"{self.seed}:{index}:plan")
        service = plan.choices(self.services, [SERVICE_WEIGHTS[s] for s in self.services])[0]
        spec = self.specs.get(service)
        if spec is None:
            operation = plan.choice(self.routes)
        else:
            names, weights = self.operations[service]
            operation = plan.choices(names, weights)[0]
        mutation = None
        if index in self.oversize_at:
            mutation = OVERSIZE
        elif plan.random() < MUTATION_RATE:
            candidates = [m for m in self.mutations if m.applies(spec, operation)]
            mutation = plan.choices(candidates, [m.weight for m in candidates])[0]
        g = Gen(random.Random(f"{self.seed}:{index}:values"), self.world, spec, operation)
        draft = self.valid_draft(g)
        if mutation:
            draft.mutation = mutation.name
            draft.detail = mutation.apply(g, draft)
        return draft, g

    def valid_draft(self, g: Gen) -> Draft:
        if g.spec is None:
            return Draft("commerce", g.operation, commerce_body(g, g.operation))
        return Draft(g.service, g.operation, self.factory.request(g))


# ---------------------------------------------------------------------------------------------------------------
# Serialization


@dataclasses.dataclass
class HttpRequest:
    port: int
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    framing: str
    timeout: float
    http_level: bool


def build_path(spec: ServiceSpec, draft: Draft) -> str:
    """The REST path and query string from the operation's requestUri and the uri / querystring members."""
    operation = spec.operations[draft.operation]
    uri = operation["http"]["requestUri"]
    path, _, fixed_query = uri.partition("?")
    members = spec.input_members(draft.operation)
    for name, member in members.items():
        if member.get("location") != "uri":
            continue
        placeholder = member.get("locationName", name)
        value = draft.params.get(name, "")
        text = value if isinstance(value, RawText) else urllib.parse.quote(text_of(value), safe="")
        text = text[:URL_VALUE_LIMIT].rsplit("%", 1)[0] if len(text) > URL_VALUE_LIMIT else text
        path = path.replace("{" + placeholder + "+}", text).replace("{" + placeholder + "}", text)
    query = [(member.get("locationName", name), text_of(draft.params[name])[:URL_VALUE_LIMIT // 4])
             for name, member in members.items() if member.get("location") == "querystring" and name in draft.params]
    encoded = "&".join(filter(None, [fixed_query, urllib.parse.urlencode(query)]))
    return path + ("?" + encoded if encoded else "")


def rest_parts(spec: ServiceSpec, draft: Draft) -> tuple[str, list[tuple[str, str]], bytes | None]:
    """The REST request's method, headers and body; the path is build_path's."""
    members = spec.input_members(draft.operation)
    shape = spec.shapes[spec.input_shape(draft.operation)] if spec.input_shape(draft.operation) else {}
    payload = shape.get("payload")
    headers = []
    body_members = {}
    for name, value in draft.params.items():
        member = members.get(name, {})
        location = member.get("location")
        if location == "header":
            headers.append((member.get("locationName", name), header_text(text_of(value))))
        elif location in ("uri", "querystring", "headers"):
            continue
        elif name != payload:
            body_members[name] = value
    if payload:
        value = draft.params.get(payload)
        body = value if isinstance(value, bytes) else (encode_json(value) if value is not None else b"")
    else:
        body = encode_json(body_members) if body_members or spec.operations[draft.operation]["http"]["method"] in (
            "POST", "PUT") else None
    return spec.operations[draft.operation]["http"]["method"], headers, body


def header_text(value: str) -> str:
    """A header value HTTP can carry: control characters (broken framing, not a value) become '?'."""
    return "".join("?" if (ord(c) < 0x20 and c != "\t") or c == "\x7f" else c for c in value[:URL_VALUE_LIMIT])


def build_request(draft: Draft, specs: dict[str, ServiceSpec], ports: dict[str, int], timeout: float) -> HttpRequest:
    spec = specs.get(draft.service)
    headers: list[tuple[str, str]] = []
    if spec is None:
        method, path, body = "POST", draft.operation.split(" ", 1)[1], encode_json(draft.params)
        headers.append(("Content-Type", "application/json"))
        port = ports["api"]
    elif spec.protocol == "json":
        method, path, body = "POST", "/", encode_json(draft.params)
        headers += [("X-Amz-Target", f"{spec.target_prefix}.{draft.operation}"),
                    ("Content-Type", f"application/x-amz-json-{spec.json_version}")]
        port = ports["aws"]
    else:
        method, extra, body = rest_parts(spec, draft)
        path = build_path(spec, draft)
        headers += [("Content-Type", "application/json")] + extra
        port = ports["aws"]
    if draft.body is not None:
        body = draft.body
    if draft.body_transform and body is not None:
        body = draft.body_transform(body)
    for name, value in draft.headers.items():
        headers = [(n, v) for n, v in headers if n.lower() != name.lower()]
        for each in value if isinstance(value, list) else [] if value is None else [value]:
            headers.append((name, header_text(each)))
    wait = EXTRA_WAIT.get((draft.service, draft.operation), EXTRA_WAIT.get((draft.service, None), 0))
    return HttpRequest(port=port, method=draft.method or method, target=draft.path or path, headers=headers,
                       body=body if body is not None else b"", framing=draft.framing, timeout=timeout + wait,
                       http_level=draft.http_level)


def frame(request: HttpRequest, rng: random.Random) -> bytes:
    """The request's bytes on the wire, framed as its framing says."""
    method, target, body, framing = request.method, request.target, request.body, request.framing
    version = "HTTP/1.1"
    own_host = any(name.lower() == "host" for name, _ in request.headers)
    headers = ([] if own_host else [("Host", f"127.0.0.1:{request.port}")]) + [("User-Agent", "fuzz_host/1")] \
        + request.headers
    length: list[tuple[str, str]] = [("Content-Length", str(len(body)))]
    payload = body
    if framing == "short-body":
        length = [("Content-Length", str(len(body) + rng.randint(1, 5000)))]
    elif framing == "long-body":
        length = [("Content-Length", str(len(body) // 2))]
    elif framing.startswith("cl-"):
        length = {
            "cl-text": [("Content-Length", "abc")], "cl-negative": [("Content-Length", "-5")],
            "cl-twice": [("Content-Length", str(len(body))), ("Content-Length", str(len(body) + 7))],
            "cl-plus": [("Content-Length", f"+{len(body)}")], "cl-huge": [("Content-Length", "9" * 30)],
            "cl-and-chunked": [("Content-Length", str(len(body))), ("Transfer-Encoding", "chunked")],
        }[framing]
    elif framing.startswith("chunk"):
        length = [("Transfer-Encoding", "chunked")]
        payload = chunked(body, framing, rng)
    elif framing == "header-100k":
        headers.append(("X-Fuzz", "a" * 100_000))
    elif framing == "headers-2000":
        headers += [(f"X-Fuzz-{i}", "v") for i in range(2000)]
    elif framing == "http10":
        version = "HTTP/1.0"
    elif framing == "http-future":
        version = "HTTP/9.9"
    elif framing == "nul-in-path":
        target = target + "\x00x"
    elif framing == "two-spaces":
        method = method + " "
    elif framing == "lower-method":
        method = method.lower()
    elif framing == "unknown-method":
        method = "FUZZ"
    elif framing == "raw-unicode-path":
        target = target + "/\U0001F600"
    if framing == "cl-and-chunked":
        payload = chunked(body, "chunked", rng)
    start = f"{method} {target} {version}" if framing != "no-version" else f"{method} {target}"
    lines = [start] + [f"{name}: {value}" for name, value in headers + length]
    return "\r\n".join(lines).encode("utf-8", "surrogatepass") + b"\r\n\r\n" + payload


def chunked(body: bytes, variant: str, rng: random.Random) -> bytes:
    pieces, offset = [], 0
    while offset < len(body):
        size = rng.randint(1, max(1, len(body) // 3 + 1))
        pieces.append(body[offset:offset + size])
        offset += size
    out = b"".join(f"{len(p):x}".encode() + b"\r\n" + p + b"\r\n" for p in pieces)
    end = b"0\r\n\r\n"
    if variant == "chunked":
        return out + end
    return {
        "chunk-size-text": b"zz\r\n" + body + b"\r\n" + end,
        "chunk-size-short": f"{len(body) + 100:x}".encode() + b"\r\n" + body + b"\r\n",
        "chunk-no-end": out,
        "chunk-size-huge": b"ffffffffffffffffffff\r\n" + body + b"\r\n" + end,
        "chunk-ext-junk": f"{len(body):x}".encode() + b";" + b"x" * 10_000 + b"\r\n" + body + b"\r\n" + end,
        "chunk-no-crlf": f"{len(body):x}".encode() + b"\r\n" + body + end,
        "chunk-negative": b"-1\r\n" + body + b"\r\n" + end,
    }[variant]


# ---------------------------------------------------------------------------------------------------------------
# Transport: HTTP/1.1 over raw sockets, so broken framing can be sent


@dataclasses.dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


class NoAnswer(Exception):
    """The connection closed or reset before a whole answer arrived."""

    def __init__(self, message: str, received: int = 0):
        super().__init__(message)
        self.received = received


class Hang(Exception):
    """No whole answer within the request's timeout."""


class Reader:
    def __init__(self, sock: socket.socket, deadline: float):
        self.sock, self.deadline, self.buffer, self.received = sock, deadline, b"", 0

    def fill(self):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise Hang("timed out")
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(1 << 16)
        except socket.timeout:
            raise Hang("timed out") from None
        except OSError as error:
            raise NoAnswer(f"{type(error).__name__}: {error}", self.received) from None
        if not data:
            raise NoAnswer("connection closed", self.received)
        self.received += len(data)
        self.buffer += data

    def line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            self.fill()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def read(self, count: int) -> bytes:
        while len(self.buffer) < count:
            self.fill()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def rest(self) -> bytes:
        try:
            while True:
                self.fill()
        except NoAnswer:
            pass
        data, self.buffer = self.buffer, b""
        return data


def read_answer(reader: Reader, started: float, method: str) -> tuple[Answer, bool]:
    while True:
        status_line = reader.line().decode("latin-1")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise NoAnswer(f"bad status line {status_line[:80]!r}", reader.received)
        headers: dict[str, str] = {}
        while line := reader.line():
            name, _, value = line.decode("latin-1").partition(":")
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        status = int(parts[1])
        if 100 <= status < 200:
            continue
        break
    if status in (204, 304) or method == "HEAD":
        body, keep = b"", True
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        body = b""
        while (size := int(reader.line().split(b";")[0].strip() or b"0", 16)) > 0:
            body += reader.read(size)
            reader.line()
        while reader.line():
            pass
        keep = True
    elif "content-length" in headers:
        body, keep = reader.read(int(headers["content-length"])), True
    else:
        body, keep = reader.rest(), False
    keep = keep and headers.get("connection", "").lower() != "close"
    return Answer(status, headers, body, time.monotonic() - started), keep


class HttpClient:
    """One kept-alive connection per port; a fresh one for each request whose framing is broken."""

    def __init__(self, address: str = "127.0.0.1"):
        self.address = address
        self.idle: dict[int, socket.socket] = {}

    def exchange(self, request: HttpRequest, wire: bytes, allow_retry: bool = True) -> Answer:
        started = time.monotonic()
        deadline = started + request.timeout
        fresh = request.http_level or request.framing == "oversize"
        reused = not fresh and request.port in self.idle
        sock = self.idle.pop(request.port) if reused else self.connect(request.port, deadline)
        try:
            answer, keep = self.round_trip(sock, wire, fresh, deadline, started, request.method)
        except NoAnswer as error:
            sock.close()
            if reused and allow_retry and error.received == 0:
                return self.exchange(request, wire, allow_retry=False)
            raise
        except BaseException:
            sock.close()
            raise
        if keep and not fresh:
            self.idle[request.port] = sock
        else:
            sock.close()
        return answer

    def connect(self, port: int, deadline: float) -> socket.socket:
        try:
            sock = socket.create_connection((self.address, port), timeout=max(0.1, deadline - time.monotonic()))
        except socket.timeout:
            raise Hang("connect timed out") from None
        except OSError as error:
            raise NoAnswer(f"connect: {error}") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    @staticmethod
    def round_trip(sock, wire: bytes, half_close: bool, deadline: float, started: float,
                   method: str) -> tuple[Answer, bool]:
        sent_error = None
        try:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            sock.sendall(wire)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except socket.timeout:
            raise Hang("send timed out") from None
        except OSError as error:
            sent_error = error  # the host may have answered early (a body too large) and closed
        try:
            return read_answer(Reader(sock, deadline), started, method)
        except NoAnswer as error:
            if sent_error:
                raise NoAnswer(f"send: {sent_error}", error.received) from None
            raise

    def close(self):
        for sock in self.idle.values():
            sock.close()
        self.idle.clear()


def health(port: int, timeout: float) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request("GET", "/_host/health")
        ok = connection.getresponse().status == 200
        connection.close()
        return ok
    except (OSError, http.client.HTTPException):
        return False


# ---------------------------------------------------------------------------------------------------------------
# The host under test


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HostProcess:
    """The host binary, started by the fuzzer on free ports; its output goes to files kept for crash reports."""

    def __init__(self, binary: Path, topology: Path, workdir: Path):
        self.binary, self.topology, self.workdir = binary, topology, workdir
        self.data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=workdir))
        self.process: subprocess.Popen | None = None
        self.ports = {"aws": 0, "api": 0}
        self.starts = 0
        self.log_path = workdir / "host-0.log"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self, fresh_data: bool = False):
        if fresh_data:
            self.data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=self.workdir))
        self.starts += 1
        self.ports = {"aws": free_port(), "api": free_port()}
        self.log_path = self.workdir / f"host-{self.starts}.log"
        command = [str(self.binary), "--no-build", "--topology", str(self.topology), "--data-dir", str(self.data_dir),
                   "--aws-port", str(self.ports["aws"]), "--api-port", str(self.ports["api"]),
                   "--log-level", "warning"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
                                            start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"the host exited while starting ({self.exit_status()}):\n{self.log_tail(200)}")
            if health(self.ports["aws"], 2):
                return
            time.sleep(0.2)
        raise RuntimeError(f"the host did not become healthy in 90 s:\n{self.log_tail(200)}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    process_alive = alive

    def exit_status(self) -> str:
        code = self.process.poll() if self.process else None
        if code is None:
            return "running"
        if code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exit status {code}"

    def rss_mb(self) -> float | None:
        return read_rss_mb(self.pid) if self.alive() else None

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_lines()[-lines:])

    def log_lines(self) -> list[str]:
        """Everything the host printed since its last start (warnings and errors at --log-level warning)."""
        try:
            return self.log_path.read_text("utf-8", "replace").splitlines()
        except OSError:
            return []

    def restart(self, fresh_data: bool = False) -> str:
        """'' when the host started again on its data directory, otherwise why it was started on a fresh one."""
        self.stop()
        if fresh_data:
            self.start(fresh_data=True)
            return "asked for"
        try:
            self.start()
            return ""
        except RuntimeError as error:
            self.stop()
            self.start(fresh_data=True)
            return crash_summary(str(error).splitlines()) or str(error)

    def stop(self):
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ExternalHost:
    """A host someone else runs: alive while it answers health checks; RSS only with --host-pid."""

    def __init__(self, aws_port: int, api_port: int, pid: int | None):
        self.ports = {"aws": aws_port, "api": api_port}
        self.pid = pid
        self.log_path = None

    def start(self):
        if not health(self.ports["aws"], 10):
            raise RuntimeError(f"no host answers /_host/health on port {self.ports['aws']}")

    def alive(self) -> bool:
        return health(self.ports["aws"], 10)

    def process_alive(self) -> bool:
        """Unknown without the process: only health checks tell."""
        return True

    def exit_status(self) -> str:
        return "not answering health checks"

    def rss_mb(self) -> float | None:
        return read_rss_mb(self.pid) if self.pid else None

    def log_tail(self, lines: int = 40) -> str:
        return "(the host's output is not available with --endpoint)"

    def log_lines(self) -> list[str]:
        return []

    def restart(self, fresh_data: bool = False) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if health(self.ports["aws"], 2):
                return ""
            time.sleep(1)
        raise RuntimeError("the host did not come back")

    def stop(self):
        pass


def crash_summary(lines: list[str]) -> str:
    """The Swift runtime's fatal error and the project's frames of a crash's backtrace, else the output's tail."""
    fatal = [line.strip() for line in lines if "Fatal error" in line or "Program crashed" in line][:2]
    frames = [line.strip() for line in lines if f"{REPO_ROOT}/Sources/" in line and " at " in line][:4]
    return "\n".join(fatal + frames) if fatal or frames else "\n".join(lines[-15:])


def read_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# ---------------------------------------------------------------------------------------------------------------
# Checks


def json_object(body: bytes) -> dict | None:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def aws_error_problem(spec: ServiceSpec | None, answer: Answer) -> str | None:
    """Why a 4xx is not in AWS's error shape for the service's protocol, or None."""
    body = json_object(answer.body)
    if body is None:
        return "body is not a JSON object"
    message = body.get("message", body.get("Message"))
    if not isinstance(message, str):
        return "no message"
    if spec is None or spec.protocol == "json":
        return None if isinstance(body.get("__type"), str) else "no __type"
    if "x-amzn-errortype" in answer.headers or isinstance(body.get("__type"), str) or isinstance(body.get("Type"), str):
        return None
    return "no x-amzn-ErrorType header, __type or Type"


def check(draft: Draft, request: HttpRequest, spec: ServiceSpec | None, outcome: Answer | Exception) -> list[str]:
    """The failure kinds of one request's outcome (a crash is found by the caller)."""
    if isinstance(outcome, Hang):
        return ["hang"]
    if isinstance(outcome, NoAnswer):
        return [] if request.http_level or request.framing == "oversize" else ["no-answer"]
    status = outcome.status
    if status >= 500:
        return ["5xx"]
    if (request.http_level or request.method == "HEAD") and status >= 400:
        return []  # refused below the AWS layer, or an answer that has no body by definition
    commerce = draft.service == "commerce"
    if 400 <= status < 500 and commerce and safe_json(outcome.body) is MISSING:
        return ["non-json-4xx"]
    if 400 <= status < 500 and not commerce and aws_error_problem(spec, outcome):
        return ["non-aws-4xx"]
    target = next((value for name, value in request.headers if name.lower() == "x-amz-target"), "")
    if 400 <= status < 500 and target.startswith("AmazonSQS.") and "x-amzn-query-error" not in outcome.headers \
            and draft.mutation not in ("foreign-origin", "authorization"):
        return ["non-aws-4xx"]  # SQS's JSON protocol names the query-protocol code the SDKs read
    if 200 <= status < 300 and spec is not None and spec.protocol == "json" and outcome.body.strip() \
            and json_object(outcome.body) is None:
        return ["bad-2xx-body"]
    return []


def safe_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return MISSING


def answer_class(outcome: Answer | Exception) -> str:
    if isinstance(outcome, Hang):
        return "timeouts"
    if isinstance(outcome, NoAnswer):
        return "connection errors"
    return f"{outcome.status // 100}xx"


# ---------------------------------------------------------------------------------------------------------------
# Figures


@dataclasses.dataclass
class Failure:
    kind: str
    draft: Draft
    request: HttpRequest
    outcome: Answer | Exception
    index: int
    note: str = ""
    count: int = 1

    @property
    def key(self) -> tuple:
        status = self.outcome.status if isinstance(self.outcome, Answer) else type(self.outcome).__name__
        return self.draft.service, self.draft.operation, self.draft.mutation, self.kind, status

    def describe(self) -> str:
        outcome = self.outcome
        if isinstance(outcome, Answer):
            result = f"status {outcome.status} after {outcome.seconds:.2f} s, body {outcome.body[:200]!r}"
            if outcome.headers.get("x-amzn-errortype"):
                result += f", x-amzn-ErrorType {outcome.headers['x-amzn-errortype']}"
        else:
            result = f"{type(outcome).__name__}: {outcome}"
        request = self.request
        lines = [
            f"[{self.kind}] {self.draft.service} {self.draft.operation} mutation={self.draft.mutation}"
            f" ({self.draft.detail}) x{self.count}, first at request #{self.index}",
            f"    request: {request.method} {request.target[:120]} framing={request.framing}"
            f" headers={[h for h in request.headers if h[0].lower().startswith('x-amz')]}"[:300],
            f"    body ({len(request.body)} bytes): {request.body[:200]!r}",
            f"    answer: {result}",
        ]
        if self.note:
            lines.append("    " + self.note.replace("\n", "\n    "))
        return "\n".join(lines)


class Stats:
    def __init__(self):
        self.sent = 0
        self.passed = 0
        self.failed = 0
        self.classes: collections.Counter = collections.Counter()
        self.by_service: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.kinds: collections.Counter = collections.Counter()
        self.failures: dict[tuple, Failure] = {}
        self.incidents: list[str] = []  # crashes, stalls and stuck hosts, as reported
        self.sqs_query_error: collections.Counter = collections.Counter()
        self.sqs_missing_query_error: collections.Counter = collections.Counter()
        self.rss: dict[str, float | None] = {"start": None, "end": None, "peak": None}
        self.slowest: list[tuple[float, int, str]] = []
        self.rss_samples: list[tuple[int, float]] = []  # (request, MB) every 100 requests

    def record(self, index: int, draft: Draft, request: HttpRequest, outcome, kinds: list[str], note: str = ""):
        self.sent += 1
        klass = answer_class(outcome)
        self.classes[klass] += 1
        self.by_service[draft.service][klass] += 1
        if kinds:
            self.failed += 1
        else:
            self.passed += 1
        for kind in kinds:
            self.kinds[kind] += 1
            failure = Failure(kind, draft, request, outcome, index, note)
            if failure.key in self.failures:
                self.failures[failure.key].count += 1
            else:
                self.failures[failure.key] = failure
        target = next((value for name, value in request.headers if name.lower() == "x-amz-target"), "")
        if target.startswith("AmazonSQS.") and isinstance(outcome, Answer) and 400 <= outcome.status < 500 \
                and not request.http_level and draft.mutation not in ("foreign-origin", "authorization"):
            present = "x-amzn-query-error" in outcome.headers
            self.sqs_query_error["present" if present else "missing"] += 1
            if not present:
                error = (json_object(outcome.body) or {}).get("__type", "?")
                self.sqs_missing_query_error[f"{draft.operation} {draft.mutation} {outcome.status} {error}"] += 1
        if isinstance(outcome, Answer):
            self.slowest.append((outcome.seconds, index, f"{draft.service} {draft.operation} {draft.mutation} "
                                                         f"({draft.detail[:60]}) status {outcome.status}"))
            self.slowest = sorted(self.slowest, reverse=True)[:5]

    def note_rss(self, key: str, value: float | None):
        self.rss[key] = value
        self.note_peak(value)

    def note_peak(self, value: float | None):
        if value is not None and (self.rss["peak"] is None or value > self.rss["peak"]):
            self.rss["peak"] = value


def print_report(stats: Stats, seed: str, elapsed: float, rss_limit: float, rss_failed: bool, out=sys.stdout):
    def mb(value):
        return "n/a" if value is None else f"{value:.1f} MB"

    rate = stats.sent / elapsed if elapsed else 0
    classes = ["2xx", "3xx", "4xx", "5xx", "timeouts", "connection errors"]
    print(f"\nfuzz_host: seed {seed}, {stats.sent} requests in {elapsed:.1f} s ({rate:.1f}/s)", file=out)
    print("answers: " + ", ".join(f"{k} {stats.classes[k]}" for k in classes), file=out)
    print("by service:", file=out)
    for service in sorted(stats.by_service):
        counts = stats.by_service[service]
        shown = ", ".join(f"{k} {counts[k]}" for k in classes if counts[k])
        print(f"  {service:16} {sum(counts.values()):6}  {shown}", file=out)
    print(f"non-AWS-shaped 4xx: {stats.kinds['non-aws-4xx']}, non-JSON commerce 4xx: {stats.kinds['non-json-4xx']}, "
          f"5xx: {stats.kinds['5xx']}, hangs: {stats.kinds['hang']}, no answer: {stats.kinds['no-answer']}, "
          f"crashes: {stats.kinds['crash']}, stalls: {stats.kinds['stall']}, stuck: {stats.kinds['stuck']}", file=out)
    present, missing = stats.sqs_query_error["present"], stats.sqs_query_error["missing"]
    print(f"SQS 4xx with x-amzn-query-error: {present} of {present + missing}", file=out)
    for what, count in stats.sqs_missing_query_error.most_common(10):
        print(f"  without it: {what} x{count}", file=out)
    start, end = stats.rss["start"], stats.rss["end"]
    growth = f"{end - start:+.1f} MB" if start is not None and end is not None else "n/a"
    print(f"RSS (from the warm-up or the last restart): start {mb(start)}, end {mb(end)}, "
          f"peak {mb(stats.rss['peak'])}, growth {growth} "
          f"(limit {rss_limit:.0f} MB){' FAILED' if rss_failed else ''}", file=out)
    samples = stats.rss_samples[::max(1, len(stats.rss_samples) // 10)]
    if samples:
        print("RSS by request: " + ", ".join(f"#{i} {rss:.0f}" for i, rss in samples) + " MB", file=out)
    print("slowest answers: " + "; ".join(f"#{i} {what} {seconds:.2f} s" for seconds, i, what in stats.slowest),
          file=out)
    for incident in stats.incidents:
        print(f"\n{incident}", file=out)
    failures = list(stats.failures.values())
    if failures:
        print(f"\nfailures: {len(failures)} distinct (service, operation, mutation, kind, status); "
              f"the first {min(len(failures), FAILURES_SHOWN)}:", file=out)
        for failure in failures[:FAILURES_SHOWN]:
            print(failure.describe(), file=out)
    print(f"\n{stats.passed} passed, {stats.failed} failed", file=out)


def print_host_output(lines: list[str], shown: int = 15, out=sys.stderr):
    """What the host logged (warnings and errors), one line per distinct message with digits masked."""
    banner_end = next((i for i, line in enumerate(lines[:200]) if line.startswith("Press Ctrl-C")), -1)
    lines = lines[banner_end + 1:]
    if not lines:
        return
    distinct: dict[str, list] = {}
    for line in lines:
        key = "".join("#" if c.isdigit() else c for c in line)[:160]
        distinct.setdefault(key, [line, 0])[1] += 1
    print(f"host output: {len(lines)} lines, {len(distinct)} distinct; the first {min(shown, len(distinct))}:",
          file=out)
    for line, count in list(distinct.values())[:shown]:
        print(f"  x{count} {line[:300]}", file=out)


# ---------------------------------------------------------------------------------------------------------------
# The run


class Fuzzer:
    def __init__(self, args, specs: dict[str, ServiceSpec], topology: dict, host):
        self.args = args
        self.specs = specs
        self.topology = topology
        self.host = host
        self.world = World(topology)
        self.client = HttpClient()
        self.stats = Stats()
        self.index = 0
        self.last_requests: collections.deque = collections.deque(maxlen=5)
        self.last_restart = (float("-inf"), 0)  # when, and after how many requests
        self.dumped = 0

    # Warm-up: what the host has, and which operations it implements

    def discover(self):
        """Reads the host's resources into the world (again after a restart: queue URLs name the port)."""
        self.world.pools.pop("queue_url", None)
        steps = [("sqs", "ListQueues", {}), ("dynamodb", "ListTables", {}),
                 ("events", "ListEventBuses", {}), ("lambda", "ListFunctions", {}),
                 ("lambda", "ListEventSourceMappings", {}), ("pipes", "ListPipes", {})]
        steps += [("dynamodb", "DescribeTable", {"TableName": t}) for t in self.topology.get("tables", {})]
        steps += [("events", "ListRules", {"EventBusName": b}) for b in self.topology.get("buses", {})]
        for service, operation, params in steps:
            self.send(Draft(service, operation, params), phase="discovery")
        for url in self.world.pools.get("queue_url", []):
            self.world.protected.add(url)
        for uuid in self.world.pools.get("esm_uuid", []):
            self.world.protected.add(uuid)
        for stream in list(self.world.pools.get("stream_arn", [])):
            self.world.protected.add(stream)
            self.send(Draft("dynamodbstreams", "DescribeStream", {"StreamArn": stream}), phase="discovery")
        for shard in list(self.world.pools.get("shard_id", []))[:3]:
            for stream in self.world.pools.get("stream_arn", [])[:1]:
                self.send(Draft("dynamodbstreams", "GetShardIterator", {
                    "StreamArn": stream, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}), phase="discovery")

    def set_up_fixtures(self):
        """Creates FIXTURE's resources (each request is checked like any other; a failure does not stop the run)."""
        world, f = self.world, FIXTURE
        queue_arn = world.arn("sqs", f["queue"])
        log_group_arn = world.arn("logs", f"log-group:{f['log_group']}")
        everything = json.dumps({"source": [{"prefix": ""}]})
        transformer = {"InputPathsMap": {"d": "$.detail", "s": "$.source", "t": "$.time"},
                       "InputTemplate": '{"detail": <d>, "source": "<s>", "time": <t>}'}
        steps = [
            ("sqs", "CreateQueue", {"QueueName": f["queue"]}), ("sqs", "CreateQueue", {"QueueName": f["mapped_queue"]}),
            ("events", "CreateEventBus", {"Name": f["bus"]}),
            ("logs", "CreateLogGroup", {"logGroupName": f["log_group"]}),
            ("events", "PutRule", {"Name": "fuzz-everything", "EventBusName": f["bus"], "EventPattern": everything}),
            ("events", "PutTargets", {"Rule": "fuzz-everything", "EventBusName": f["bus"], "Targets": [
                {"Id": "queue", "Arn": queue_arn}, {"Id": "logs", "Arn": log_group_arn},
                {"Id": "transformed", "Arn": queue_arn, "InputTransformer": transformer}]}),
            ("events", "PutRule", {"Name": "fuzz-default", "EventPattern": json.dumps({"source": ["fuzz"]})}),
            ("events", "PutTargets", {"Rule": "fuzz-default", "Targets": [{"Id": "queue", "Arn": queue_arn}]}),
            ("dynamodb", "CreateTable", {
                "TableName": f["table"], "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                         {"AttributeName": "sk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}}),
            ("dynamodb", "DescribeTable", {"TableName": f["table"]}),
            ("lambda", "CreateEventSourceMapping", {
                "EventSourceArn": world.arn("sqs", f["mapped_queue"]), "FunctionName": "SyncOrderWorker",
                "BatchSize": 5, "FilterCriteria": {"Filters": [
                    {"Pattern": json.dumps({"body": {"n": [{"numeric": [">", 0]}]}})}]}}),
        ]
        for service, operation, params in steps:
            self.send_fixture(Draft(service, operation, params))
        stream = next((arn for arn in world.pools.get("stream_arn", []) if f"table/{f['table']}/" in arn), None)
        if stream:
            self.send_fixture(Draft("pipes", "CreatePipe", {
                "Name": f["pipe"], "Source": stream, "Target": world.arn("events", f"event-bus/{f['bus']}"),
                "RoleArn": world.arn("iam", "role/fuzz").replace(f":{world.region}:", "::"), "DesiredState": "RUNNING",
                "SourceParameters": {"DynamoDBStreamParameters": {"StartingPosition": "LATEST", "BatchSize": 10}},
                "TargetParameters": {
                    "InputTemplate": '{"keys": <$.dynamodb.Keys>, "record": <aws.pipes.event.json>}',
                    "EventBridgeEventBusParameters": {
                        "Source": "fuzz.pipe", "DetailType": "fuzz",
                        "Time": f"$.dynamodb.NewImage.{f['time_attribute']}.S"}}}))
        for kind, name in (("table", f["table"]), ("bus_name", f["bus"]), ("queue_name", f["queue"]),
                           ("queue_name", f["mapped_queue"]), ("pipe_name", f["pipe"]),
                           ("log_group", f["log_group"]), ("rule_name", "fuzz-everything")):
            world.add(kind, name, protect=True)
        world.protected.update(url for url in world.pools.get("queue_url", []) if url.endswith(f"/{f['queue']}"))
        world.protected.update(world.pools.get("esm_uuid", []))

    def send_fixture(self, draft: Draft):
        outcome = self.send(draft, phase="fixture")
        if not isinstance(outcome, Answer) or outcome.status >= 300:
            answer = outcome.body[:200] if isinstance(outcome, Answer) else outcome
            print(f"fixture {draft.service} {draft.operation} not created: {answer}", file=sys.stderr)

    def probe(self) -> dict[tuple[str, str], bool]:
        """One valid-ish request per operation: which ones the host implements (deterministic for a build)."""
        implemented = {}
        factory = ValueFactory()
        for name in sorted(self.specs):
            spec = self.specs[name]
            for operation in sorted(spec.operations):
                g = Gen(random.Random(f"{self.args.seed}:probe:{name}:{operation}"), self.world, spec, operation)
                outcome = self.send(Draft(name, operation, factory.request(g)), phase="probe")
                implemented[(name, operation)] = not unimplemented(outcome)
        return implemented

    # One request

    def send(self, draft: Draft, phase: str = "fuzz") -> Answer | Exception:
        spec = self.specs.get(draft.service)
        draft.detail = draft.detail or phase
        index = self.index
        self.index += 1
        request = build_request(draft, self.specs, self.host.ports, self.args.timeout)
        wire = frame(request, random.Random(f"{self.args.seed}:{index}:frame"))
        self.last_requests.append((index, draft, request))
        try:
            outcome: Answer | Exception = self.client.exchange(request, wire)
        except (Hang, NoAnswer) as error:
            outcome = error
        kinds = check(draft, request, spec, outcome)
        incident = self.watch_host(outcome, kinds)
        if incident:
            kind = incident.split(":", 1)[0]  # crash, stall or stuck
            kinds = [k for k in kinds if k != "no-answer" or kind == "stall"] + [kind]
        self.stats.record(index, draft, request, outcome, kinds, incident.split("\n", 1)[0])
        if kinds:
            self.dump(index, draft, wire, kinds)
        if isinstance(outcome, Answer) and 200 <= outcome.status < 300:
            self.learn(draft, outcome)
        return outcome

    def watch_host(self, outcome, kinds: list[str]) -> str:
        """'' while the host is fine; otherwise what happened: a stall it recovered from, or a crash or a stall
        it did not recover from (the host is then restarted)."""
        port = self.host.ports["aws"]
        if self.host.process_alive():
            suspicious = bool(kinds) or isinstance(outcome, (Hang, NoAnswer))
            if not suspicious and self.index % HEALTH_EVERY:
                return ""
            if health(port, self.args.timeout):
                return ""
        stalled = time.monotonic() - self.args.timeout
        while self.host.process_alive() and time.monotonic() - stalled < self.args.stall_limit:
            if health(port, 1):
                return self.incident(f"stall: /_host/health did not answer for {time.monotonic() - stalled:.0f} s")
            time.sleep(0.5)
        if self.host.process_alive():
            return self.recover(f"stuck: /_host/health did not answer for {self.args.stall_limit:.0f} s")
        return self.recover(f"crash: the host {self.host.exit_status()}")

    def incident(self, what: str, output: str = "") -> str:
        recent = "\n".join(f"    #{i} {d.service} {d.operation} {d.mutation} ({d.detail[:80]})"
                           for i, d, _ in self.last_requests)
        index = self.last_requests[-1][0] if self.last_requests else 0
        report = f"{what} after request #{index}\n  last requests:\n{recent}"
        if output:
            report += "\n  host output:\n" + "\n".join("    " + line for line in output.splitlines())
        self.stats.incidents.append(report)
        print(report, file=sys.stderr)
        return report

    def recover(self, what: str) -> str:
        since_restart = time.monotonic() - self.last_restart[0], self.index - self.last_restart[1]
        crash_loop = what.startswith("crash") and since_restart[0] < CRASH_LOOP[0] and since_restart[1] < CRASH_LOOP[1]
        if crash_loop:
            what += (f" {since_restart[0]:.0f} s and {since_restart[1]} requests after its restart on the same data"
                     " directory (a crash loop: the data directory no longer starts); restarted on a fresh one")
        report = self.incident(what, crash_summary(self.host.log_lines()))
        if sum(1 for incident in self.stats.incidents if not incident.startswith("stall")) > MAX_RESTARTS:
            raise RuntimeError(f"the host died or stuck more than {MAX_RESTARTS} times; giving up")
        self.client.close()
        fresh = self.host.restart(fresh_data=crash_loop)
        if fresh and not crash_loop:
            self.incident("crash loop: the host died again while starting on the same data directory (the data "
                          "directory no longer starts); restarted on a fresh one", fresh)
        self.last_restart = time.monotonic(), self.index
        self.discover()
        if fresh:
            self.set_up_fixtures()
        self.stats.note_rss("start", self.host.rss_mb())  # growth is measured on the last process
        return report

    def learn(self, draft: Draft, answer: Answer):
        self.world.learn_request(draft.service, draft.operation, draft.params)
        body = safe_json(answer.body)
        if body is not MISSING:
            self.world.learn_answer(draft.service, body)

    def dump(self, index: int, draft: Draft, wire: bytes, kinds: list[str]):
        if not self.args.dump_dir or self.dumped >= 200:
            return
        directory = Path(self.args.dump_dir)
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{index:05d}-{draft.service}-{draft.operation}-{draft.mutation}-{'-'.join(kinds)}"
        (directory / (name.replace("/", "_").replace(" ", "_")[:150] + ".http")).write_bytes(wire)
        self.dumped += 1

    # The whole run

    def run(self) -> int:
        started = time.monotonic()
        implemented = self.warm_up()
        self.stats.note_rss("start", self.host.rss_mb())
        self.fuzz(implemented, started)
        healthy_at_end = self.check_end()
        self.stats.note_rss("end", self.host.rss_mb())
        start, end = self.stats.rss["start"], self.stats.rss["end"]
        rss_failed = start is not None and end is not None and end - start > self.args.rss_limit_mb
        print_report(self.stats, self.args.seed, time.monotonic() - started, self.args.rss_limit_mb, rss_failed)
        print_host_output(self.host.log_lines())
        return 0 if self.stats.failed == 0 and not rss_failed and healthy_at_end else 1

    def warm_up(self) -> dict[tuple[str, str], bool]:
        self.discover()
        self.set_up_fixtures()
        implemented = self.probe()
        self.discover()
        served = sum(implemented.values())
        print(f"warm-up: {self.index} requests; {served} of {len(implemented)} operations implemented",
              file=sys.stderr)
        return implemented

    def fuzz(self, implemented: dict[tuple[str, str], bool], started: float):
        budget = self.args.requests - self.index
        oversize_at = {budget * (i + 1) // (self.args.oversize_bodies + 1) for i in range(self.args.oversize_bodies)}
        planner = Planner(self.args.seed, self.specs, self.topology, self.world, implemented, oversize_at,
                          frozenset(self.args.exclude_mutation))
        step = -1
        while self.index < self.args.requests:  # restarts send discovery requests too
            step += 1
            if time.monotonic() - started > self.args.time_limit:
                print(f"time limit reached after {self.index} requests", file=sys.stderr)
                break
            draft, _ = planner.draft(step)
            self.send(draft)
            if step % 100 == 0:
                rss = self.host.rss_mb()
                self.stats.note_peak(rss)
                if rss is not None:
                    self.stats.rss_samples.append((self.index, rss))
            if self.args.verbose and step % 500 == 0:
                print(f"  {self.index} requests, {self.stats.failed} failed, "
                      f"{time.monotonic() - started:.0f} s", file=sys.stderr)

    def check_end(self) -> bool:
        """Whether the host is alive and healthy a second after the last request (not restarted if not)."""
        time.sleep(1)
        if self.host.process_alive() and health(self.host.ports["aws"], self.args.timeout):
            return True
        self.incident(f"at the end: the host {self.host.exit_status()} and /_host/health does not answer",
                      crash_summary(self.host.log_lines()))
        return False


def unimplemented(outcome) -> bool:
    if not isinstance(outcome, Answer) or outcome.status < 400:
        return False
    body = json_object(outcome.body) or {}
    text = f"{body.get('__type', '')} {body.get('message', body.get('Message', ''))}"
    return "UnknownOperation" in text or "does not implement" in text


# ---------------------------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", default="1", help="the plan's seed, or 'random' (printed)")
    parser.add_argument("--requests", type=int, default=6000, help="requests to send, warm-up included")
    parser.add_argument("--time-limit", type=float, default=240, help="seconds before the run stops sending")
    parser.add_argument("--timeout", type=float, default=10, help="seconds an answer may take before it is a hang")
    parser.add_argument("--rss-limit-mb", type=float, default=300, help="allowed RSS growth of the host")
    parser.add_argument("--stall-limit", type=float, default=60,
                        help="seconds an unresponsive host is waited for before it is restarted")
    parser.add_argument("--oversize-bodies", type=int, default=2, help="requests with a body over 16 MiB")
    parser.add_argument("--host-binary", default=".build/debug/host", help="relative to the repository root")
    parser.add_argument("--topology", default="infra/topology.json", help="relative to the repository root")
    parser.add_argument("--endpoint", help="a running host's AWS endpoint, e.g. http://127.0.0.1:4566")
    parser.add_argument("--api-endpoint", help="a running host's HTTP API, e.g. http://127.0.0.1:3000")
    parser.add_argument("--host-pid", type=int, help="with --endpoint: the host's pid, for RSS figures")
    parser.add_argument("--exclude-mutation", action="append", default=[], metavar="NAME",
                        choices=[m.name for m in MUTATIONS],
                        help="leave a mutation out (repeatable), e.g. to look past a known crash")
    parser.add_argument("--dump-dir", help="write each failing request's bytes here (replay with nc)")
    parser.add_argument("--verbose", action="store_true", help="progress every 500 requests")
    args = parser.parse_args(argv)
    if args.seed == "random":
        args.seed = str(random.SystemRandom().randrange(1, 10 ** 9))
    return args


def port_of(url: str) -> int:
    parsed = urllib.parse.urlparse(url)
    if parsed.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"only a host on 127.0.0.1 is fuzzed, not {parsed.hostname}")
    return parsed.port or 80


def main(argv=None) -> int:
    args = parse_args(argv)
    print(f"fuzz_host: seed {args.seed}", file=sys.stderr)
    topology_path = (REPO_ROOT / args.topology).resolve()
    topology = json.loads(topology_path.read_text())
    specs = load_services()
    with tempfile.TemporaryDirectory(prefix="fuzz-host-") as workdir:
        if args.endpoint:
            api = port_of(args.api_endpoint) if args.api_endpoint else 3000
            host = ExternalHost(port_of(args.endpoint), api, args.host_pid)
        else:
            host = HostProcess((REPO_ROOT / args.host_binary).resolve(), topology_path, Path(workdir))
        host.start()
        try:
            return Fuzzer(args, specs, topology, host).run()
        finally:
            host.stop()


if __name__ == "__main__":
    sys.exit(main())
