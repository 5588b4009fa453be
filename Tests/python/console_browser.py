#!/usr/bin/env python3
"""The console tested as a person uses it, in a real browser (Debian's chromium and chromium-driver, selenium).

Starts the host from this build on free ports with the commerce topology, opens the console's live timeline, places
an order through the HTTP API and watches it appear, finds the order's trace with the search box and checks its
sequence diagram hop by hop (API → PlaceOrderApi → table → pipe → bus → rule → queue → SyncOrderWorker → … → the
payment's outcome), re-sends the order's invocation with a new order id from the edit-and-re-send page, and redrives
a dead-lettered message from a DLQ's page and sees it processed. Screenshots go to --screenshots.

    python3 Tests/python/console_browser.py [--screenshots .build/console-screenshots]
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import boto3
from botocore.config import Config
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post_json(url: str, body: dict) -> tuple[int, str]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def eventually(what: str, check, timeout: float = 30, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


class Host:
    def __init__(self, workdir: Path):
        self.aws, self.api = free_port(), free_port()
        self.log = workdir / "host.log"
        binary = REPO_ROOT / ".build" / "debug" / "host"
        command = [str(binary), "--no-build", "--topology", str(REPO_ROOT / "infra" / "topology.json"),
                   "--data-dir", str(workdir / "data"), "--aws-port", str(self.aws), "--api-port", str(self.api),
                   "--log-level", "warning"]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
                                            start_new_session=True)

        def healthy():
            if self.process.poll() is not None:
                raise RuntimeError(f"the host exited:\n{self.log.read_text()[-4000:]}")
            try:
                return get_json(f"http://127.0.0.1:{self.aws}/_host/health").get("status") == "ready"
            except OSError:
                return False
        eventually("the host to start", healthy, timeout=90)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1100"]:
        options.add_argument(argument)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(driver_path), options=options)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--screenshots", default=str(REPO_ROOT / ".build" / "console-screenshots"))
    arguments = parser.parse_args()
    shots = Path(arguments.screenshots)
    shots.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="console-browser-"))
    host = Host(workdir)
    driver = browser()
    step = "starting"
    try:
        console = f"http://127.0.0.1:{host.aws}/_host/console"
        api = f"http://127.0.0.1:{host.api}"
        wait = WebDriverWait(driver, 30, ignored_exceptions=[StaleElementReferenceException])

        def shot(name: str):
            driver.save_screenshot(str(shots / f"{name}.png"))

        step = "the live timeline shows the order"
        driver.get(console + "/timeline")
        wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
        time.sleep(0.5)  # the page's EventSource connects
        status, _ = post_json(api + "/api/v1/inventory/restockSku", {"sku": "APPLES", "units": 500, "lotId": "BRW001"})
        assert status == 202, status
        order = "BRW-" + uuid.uuid4().hex[:8].upper()
        status, body = post_json(api + "/api/v1/orders/placeOrder",
                                 {"orderId": order, "sku": "APPLES", "units": 2, "price": 3.5, "userId": "browser"})
        assert status == 202, (status, body)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#timeline tr[data-resource="PlaceOrderApi"]'))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#timeline tr[data-resource="SyncOrderWorker"]'))
        shot("1-timeline")

        step = "the order reaches its payment's outcome"

        def final_status():
            status, text = post_json(api + "/api/v1/orders/listOrders", {"orderId": order})
            if status != 200:
                return None
            orders = json.loads(text).get("orders", [])
            value = orders[0].get("orderStatus") if orders else None
            return value if value in ("ORDER_PAYMENT_ACCEPTED_STATUS", "ORDER_PAYMENT_REJECTED_STATUS") else None
        outcome = eventually("the order's payment outcome", final_status, timeout=60)
        expected_event = "ORDER_PAYMENT_ACCEPTED_EVENT" if outcome.endswith("ACCEPTED_STATUS") else "ORDER_PAYMENT_REJECTED_EVENT"
        time.sleep(0.5)  # the last hops are written in their batch

        step = "the search box finds the order's trace"
        driver.get(console + "/")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "svg.map .node"))
        wait.until(lambda d: "call" in d.find_element(By.CSS_SELECTOR, 'svg.map .node[data-name="PlaceOrderApi"] .count').text)
        shot("2-map")
        box = driver.find_element(By.CSS_SELECTOR, "form.search input[name=key]")
        box.send_keys(order)
        box.submit()
        # Every trace that touched the order is listed (the list queries too); the one that placed it is opened.
        rows = wait.until(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "table.traces tbody tr")
                                     if "placeOrder" in r.text])
        rows[0].find_element(By.CSS_SELECTOR, "a.trace-link").click()

        step = "the sequence diagram shows every hop"
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "svg.sequence g.hop"))
        arrows = [(a.get_attribute("data-from"), a.get_attribute("data-to"), a.get_attribute("data-operation"),
                   a.get_attribute("textContent"))
                  for a in driver.find_elements(By.CSS_SELECTOR, "svg.sequence g.hop")]
        path = [("Client", "orders-api"), ("orders-api", "PlaceOrderApi"), ("PlaceOrderApi", "commerce"),
                ("commerce", "commerce-stream-to-bus"), ("commerce-stream-to-bus", "commerce-bus"),
                ("commerce-bus", "SyncOrderWorker-EventBridgeRoutingRule"),
                ("SyncOrderWorker-EventBridgeRoutingRule", "SyncOrderWorker-Queue"),
                ("SyncOrderWorker-Queue", "SyncOrderWorker"), ("SyncOrderWorker", "commerce"),
                ("AllocateOrderStockWorker-Queue", "AllocateOrderStockWorker"),
                ("ProcessOrderPaymentWorker-Queue", "ProcessOrderPaymentWorker"),
                ("ProcessOrderPaymentWorker", "commerce")]
        position = 0
        for hop in arrows:
            if position < len(path) and (hop[0], hop[1]) == path[position]:
                position += 1
        assert position == len(path), f"the diagram lacks {path[position]} after {path[:position]}: {arrows}"
        assert any(expected_event in hop[3] for hop in arrows if hop[1] == "commerce"), \
            f"no write of {expected_event} in {arrows}"
        shot("3-trace")
        trace = driver.current_url.split("/traces/")[1].split("#")[0]

        step = "edit and re-send the order's invocation with another order id"
        invoke_row = [row for row in driver.find_elements(By.CSS_SELECTOR, "table.hops tr")
                      if "→ PlaceOrderApi" in row.text and row.find_elements(By.LINK_TEXT, "edit & re-send")]
        assert invoke_row, "no re-send link on PlaceOrderApi's invocation"
        invoke_row[0].find_element(By.LINK_TEXT, "edit & re-send").click()
        area = wait.until(lambda d: d.find_element(By.ID, "payload"))
        second = order + "-2"
        driver.execute_script("arguments[0].value = arguments[0].value.split(arguments[1]).join(arguments[2])",
                              area, order, second)
        shot("4-resend")
        driver.find_element(By.ID, "send").click()
        outcome_text = wait.until(lambda d: d.find_element(By.ID, "outcome")).text
        assert "Invoked PlaceOrderApi" in outcome_text and "202" in outcome_text, outcome_text
        eventually("the re-sent order", lambda: get_json(
            f"http://127.0.0.1:{host.aws}/_host/traces?key={second}")["traces"], timeout=30)

        step = "redrive a dead-lettered message from the DLQ's page"
        session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
        endpoint = f"http://127.0.0.1:{host.aws}"
        sqs = session.client("sqs", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}))
        lam = session.client("lambda", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}))
        hops = get_json(f"http://127.0.0.1:{host.aws}/_host/traces/{trace}")["hops"]
        message_body = next(h["payload"] for h in hops if h["to"] == "SyncOrderWorker-Queue")
        dlq = sqs.create_queue(QueueName="browser-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        source = sqs.create_queue(QueueName="browser-source", Attributes={
            "VisibilityTimeout": "0",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"})})["QueueUrl"]
        source_arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sqs.send_message(QueueUrl=source, MessageBody=message_body)
        sqs.receive_message(QueueUrl=source)  # the first receive; the second moves it to the DLQ
        sqs.receive_message(QueueUrl=source)
        eventually("the message in the DLQ", lambda: sqs.get_queue_attributes(
            QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"] == "1")
        # Now the consumer: a visibility timeout long enough that its one receive is the message's only one.
        sqs.set_queue_attributes(QueueUrl=source, Attributes={"VisibilityTimeout": "30"})
        lam.create_event_source_mapping(FunctionName="SyncOrderWorker", EventSourceArn=source_arn, BatchSize=1)
        driver.get(console + "/queues/browser-dlq")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.messages tr[data-message]"))
        shot("5-dlq")
        driver.find_element(By.ID, "redrive").click()
        wait.until(lambda d: "Redrive started" in d.find_element(By.CSS_SELECTOR, "p.notice").text)

        def redriven_and_processed():
            counts = get_json(console + "/map.json")
            queues = counts["queues"]
            drained = queues["browser-dlq"]["visible"] == 0 and queues["browser-source"]["visible"] == 0 \
                and queues["browser-source"]["inFlight"] == 0
            invoked = get_json(f"http://127.0.0.1:{host.aws}/_host/traces?key={order}")["traces"]
            return drained and len(invoked) >= 1
        eventually("the redriven message to be processed", redriven_and_processed, timeout=30)
        driver.get(console + "/timeline?resource=SyncOrderWorker")
        rows = wait.until(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#timeline tbody tr")
                                     if "browser-source → SyncOrderWorker" in r.text])
        assert "ok" in rows[0].text, rows[0].text
        shot("6-redriven")
        print(f"console browser test: passed (order {order}, {len(arrows)} hops, {outcome}); screenshots in {shots}")
        return 0
    except (AssertionError, TimeoutException) as error:
        try:
            driver.save_screenshot(str(shots / "failure.png"))
        except Exception:
            pass
        print(f"console browser test FAILED at: {step}: {error!r}", file=sys.stderr)
        print(f"(page: {driver.current_url}; host log: {host.log})", file=sys.stderr)
        print(host.log.read_text()[-3000:], file=sys.stderr)
        return 1
    finally:
        driver.quit()
        host.stop()


if __name__ == "__main__":
    sys.exit(main())
