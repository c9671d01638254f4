"""The anchor of the load benchmark: a bare Flask JSON endpoint, no database, no auth."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/ping")
def ping():  # type: ignore[no-untyped-def]
    return jsonify(status="ok", service="bare")
