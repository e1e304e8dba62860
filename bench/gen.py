#!/usr/bin/env python3
"""Generate a synthetic monorepo for twelve's benchmark.

usage: bench/gen.py OUT SERVICES

Every service is one of four stacks (Python, Node, Go, Rust), about 20 files each: a
Dockerfile, a dependency manifest and lockfile, Kubernetes manifests (a Deployment, a
Service, a ConfigMap), a compose file every tenth service, sources of realistic size
(handlers, models, a config module reading the environment, tests) and, every fifth service,
generated or vendored code (protobuf stubs, a minified library) the way real repositories
carry it. Some services break a factor (a secret in the Dockerfile, a log file, a port
mismatch) so that rules have something to report. The output is deterministic for a given
SERVICES.
"""

import os
import random
import sys


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def k8s(name, port, image, env):
    env_yaml = "".join(
        f"            - name: {k}\n              value: \"{v}\"\n" for k, v in env
    )
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels: {{app: {name}}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: {name}
          image: {image}
          ports:
            - containerPort: {port}
          env:
{env_yaml}            - name: DATABASE_URL
              valueFrom:
                secretKeyRef: {{name: {name}-db, key: url}}
          readinessProbe:
            httpGet: {{path: /healthz, port: {port}}}
          resources:
            limits: {{cpu: 500m, memory: 256Mi}}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector: {{app: {name}}}
  ports:
    - port: 80
      targetPort: {port}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "search,export"
"""


PY_HANDLER = '''"""Handlers for the {name} service: {i}."""

import json
import logging
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import requests

log = logging.getLogger(__name__)

UPSTREAM = os.environ.get("{upper}_UPSTREAM", "http://upstream:9000")
TIMEOUT = float(os.environ.get("HTTP_TIMEOUT", "5"))


@dataclass
class Item{i}:
    id: int
    name: str
    tags: List[str] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({{"id": self.id, "name": self.name, "tags": self.tags}})


def fetch_items(session: requests.Session, page: int = 1) -> List[Item{i}]:
    """Fetch one page of items from the upstream service."""
    resp = session.get(f"{{UPSTREAM}}/items", params={{"page": page}}, timeout=TIMEOUT)
    resp.raise_for_status()
    out = []
    for raw in resp.json().get("items", []):
        out.append(Item{i}(id=raw["id"], name=raw.get("name", ""), tags=raw.get("tags", [])))
    log.info("fetched %d items from page %d", len(out), page)
    return out


def summarize(items: List[Item{i}]) -> Dict[str, int]:
    counts: Dict[str, int] = {{}}
    for item in items:
        for tag in item.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return counts


def find(items: List[Item{i}], name: str) -> Optional[Item{i}]:
    for item in items:
        if item.name == name:
            return item
    return None


class Handler{i}:
    def __init__(self, session: Optional[requests.Session] = None) -> None:
        self.session = session or requests.Session()

    def list(self, page: int) -> Dict[str, Any]:
        items = fetch_items(self.session, page)
        return {{"items": [json.loads(i.to_json()) for i in items], "summary": summarize(items)}}

    def get(self, name: str) -> Dict[str, Any]:
        item = find(fetch_items(self.session), name)
        if item is None:
            return {{"error": "not found"}}
        return json.loads(item.to_json())
'''

PY_TEST = '''import unittest

from app.handlers{i} import Item{i}, summarize


class SummarizeTest(unittest.TestCase):
    def test_counts_tags(self):
        items = [Item{i}(id=1, name="a", tags=["x", "y"]), Item{i}(id=2, name="b", tags=["x"])]
        self.assertEqual(summarize(items), {{"x": 2, "y": 1}})

    def test_empty(self):
        self.assertEqual(summarize([]), {{}})
'''

JS_HANDLER = '''// Handlers for the {name} service: {i}.
const express = require("express");
const axios = require("axios");

const router = express.Router();
const upstream = process.env.{upper}_UPSTREAM || "http://upstream:9000";
const timeout = Number(process.env.HTTP_TIMEOUT || 5000);

class Item{i} {{
  constructor(id, name, tags = []) {{
    this.id = id;
    this.name = name;
    this.tags = tags;
  }}

  toJSON() {{
    return {{ id: this.id, name: this.name, tags: this.tags }};
  }}
}}

async function fetchItems(page = 1) {{
  const res = await axios.get(`${{upstream}}/items`, {{ params: {{ page }}, timeout }});
  return (res.data.items || []).map((raw) => new Item{i}(raw.id, raw.name || "", raw.tags || []));
}}

function summarize(items) {{
  const counts = {{}};
  for (const item of items) {{
    for (const tag of item.tags) {{
      counts[tag] = (counts[tag] || 0) + 1;
    }}
  }}
  return counts;
}}

router.get("/items", async (req, res, next) => {{
  try {{
    const items = await fetchItems(Number(req.query.page || 1));
    res.json({{ items, summary: summarize(items) }});
  }} catch (err) {{
    next(err);
  }}
}});

router.get("/items/:name", async (req, res, next) => {{
  try {{
    const items = await fetchItems();
    const item = items.find((i) => i.name === req.params.name);
    if (!item) {{
      res.status(404).json({{ error: "not found" }});
      return;
    }}
    res.json(item);
  }} catch (err) {{
    next(err);
  }}
}});

module.exports = {{ router, summarize, Item{i} }};
'''

JS_TEST = '''const {{ summarize, Item{i} }} = require("../src/handlers{i}");

describe("summarize", () => {{
  it("counts tags", () => {{
    const items = [new Item{i}(1, "a", ["x", "y"]), new Item{i}(2, "b", ["x"])];
    expect(summarize(items)).toEqual({{ x: 2, y: 1 }});
  }});
}});
'''

GO_HANDLER = '''// Package handlers serves the {name} service: {i}.
package handlers

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"
)

type Item{i} struct {{
	ID   int      `json:"id"`
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}}

var upstream{i} = os.Getenv("{upper}_UPSTREAM")

func fetchItems{i}(client *http.Client, page int) ([]Item{i}, error) {{
	resp, err := client.Get(fmt.Sprintf("%s/items?page=%d", upstream{i}, page))
	if err != nil {{
		return nil, err
	}}
	defer resp.Body.Close()
	var body struct {{
		Items []Item{i} `json:"items"`
	}}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {{
		return nil, err
	}}
	log.Printf("fetched %d items from page %d", len(body.Items), page)
	return body.Items, nil
}}

func Summarize{i}(items []Item{i}) map[string]int {{
	counts := map[string]int{{}}
	for _, item := range items {{
		for _, tag := range item.Tags {{
			counts[tag]++
		}}
	}}
	return counts
}}

func List{i}(w http.ResponseWriter, r *http.Request) {{
	client := &http.Client{{Timeout: 5 * time.Second}}
	items, err := fetchItems{i}(client, 1)
	if err != nil {{
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]interface{{}}{{"items": items, "summary": Summarize{i}(items)}})
}}
'''

GO_TEST = '''package handlers

import "testing"

func TestSummarize{i}(t *testing.T) {{
	got := Summarize{i}([]Item{i}{{{{ID: 1, Tags: []string{{"x", "y"}}}}, {{ID: 2, Tags: []string{{"x"}}}}}})
	if got["x"] != 2 || got["y"] != 1 {{
		t.Fatalf("got %v", got)
	}}
}}
'''

RS_HANDLER = '''//! Handlers for the {name} service: {i}.

use serde::{{Deserialize, Serialize}};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item{i} {{
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub tags: Vec<String>,
}}

pub fn upstream() -> String {{
    std::env::var("{upper}_UPSTREAM").unwrap_or_else(|_| "http://upstream:9000".to_string())
}}

pub fn summarize(items: &[Item{i}]) -> HashMap<String, usize> {{
    let mut counts = HashMap::new();
    for item in items {{
        for tag in &item.tags {{
            *counts.entry(tag.clone()).or_insert(0) += 1;
        }}
    }}
    counts
}}

pub fn find<'a>(items: &'a [Item{i}], name: &str) -> Option<&'a Item{i}> {{
    items.iter().find(|i| i.name == name)
}}

#[cfg(test)]
mod tests {{
    use super::*;

    #[test]
    fn counts_tags() {{
        let items = vec![
            Item{i} {{ id: 1, name: "a".into(), tags: vec!["x".into(), "y".into()] }},
            Item{i} {{ id: 2, name: "b".into(), tags: vec!["x".into()] }},
        ];
        let c = summarize(&items);
        assert_eq!(c["x"], 2);
        assert_eq!(c["y"], 1);
    }}
}}
'''


def python_service(d, name, port, rng, bad):
    upper = name.upper().replace("-", "_")
    secret = "ENV SECRET_KEY=9f3b2c7d1e8a4f6b0a1c\n" if bad == "secret" else ""
    bind = "127.0.0.1" if bad == "bind" else "0.0.0.0"
    write(f"{d}/Dockerfile", f"""FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1
{secret}WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER 1000
EXPOSE {port}
CMD ["gunicorn", "-b", "{bind}:{port}", "app.main:app"]
""")
    write(f"{d}/requirements.txt", "flask==3.0.3\ngunicorn==22.0.0\nrequests==2.32.3\n")
    write(f"{d}/requirements.lock", "flask==3.0.3\ngunicorn==22.0.0\nrequests==2.32.3\nwerkzeug==3.0.3\n")
    write(f"{d}/.dockerignore", ".git\n__pycache__\n")
    main = f'''import logging
import os
import sys

from flask import Flask

from app.config import Settings

logging.basicConfig(stream=sys.stdout, level=os.environ.get("LOG_LEVEL", "INFO"))
'''
    if bad == "logfile":
        main += 'logging.getLogger().addHandler(logging.FileHandler("/var/log/app.log"))\n'
    main += '''
app = Flask(__name__)
settings = Settings()


@app.get("/healthz")
def healthz():
    return {"ok": True}
'''
    write(f"{d}/app/main.py", main)
    write(f"{d}/app/__init__.py", "")
    write(f"{d}/app/config.py", f'''import os


class Settings:
    def __init__(self):
        self.database_url = os.environ["DATABASE_URL"]
        self.upstream = os.environ.get("{upper}_UPSTREAM", "http://upstream:9000")
        self.log_level = os.getenv("LOG_LEVEL", "info")
''')
    for i in range(rng.randint(8, 12)):
        write(f"{d}/app/handlers{i}.py", PY_HANDLER.format(name=name, i=i, upper=upper))
    for i in range(3):
        write(f"{d}/tests/test_handlers{i}.py", PY_TEST.format(i=i))
    return [("LOG_LEVEL", "info"), (f"{upper}_UPSTREAM", "http://upstream:9000")]


def node_service(d, name, port, rng, bad):
    upper = name.upper().replace("-", "_")
    latest = "latest" if bad == "latest" else "1.4.2"
    write(f"{d}/Dockerfile", f"""FROM node:20-alpine
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
USER node
EXPOSE {port}
CMD ["node", "src/server.js"]
""")
    write(f"{d}/package.json", f'''{{
  "name": "{name}",
  "version": "1.0.0",
  "private": true,
  "scripts": {{"start": "node src/server.js", "test": "jest"}},
  "dependencies": {{"express": "4.19.2", "axios": "1.7.2", "pino": "9.2.0", "left-pad": "{latest}"}},
  "devDependencies": {{"jest": "29.7.0"}}
}}
''')
    write(f"{d}/package-lock.json", f'{{"name": "{name}", "lockfileVersion": 3, "packages": {{}}}}\n')
    write(f"{d}/.dockerignore", ".git\nnode_modules\n")
    write(f"{d}/src/server.js", f'''const express = require("express");
const pino = require("pino");

const logger = pino();
const app = express();
const port = process.env.PORT || {port};

app.get("/healthz", (req, res) => res.json({{ ok: true }}));
for (let i = 0; i < 10; i++) {{
  app.use("/api", require(`./handlers${{i}}`).router);
}}

app.listen(port, "0.0.0.0", () => logger.info(`listening on ${{port}}`));
''')
    for i in range(rng.randint(8, 12)):
        write(f"{d}/src/handlers{i}.js", JS_HANDLER.format(name=name, i=i, upper=upper))
    for i in range(3):
        write(f"{d}/test/handlers{i}.test.js", JS_TEST.format(i=i))
    return [("PORT", str(port)), (f"{upper}_UPSTREAM", "http://upstream:9000")]


def go_service(d, name, port, rng, bad):
    upper = name.upper().replace("-", "_")
    write(f"{d}/Dockerfile", f"""FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/server /server
EXPOSE {port}
ENTRYPOINT ["/server"]
""")
    write(f"{d}/.dockerignore", ".git\n")
    write(f"{d}/go.mod", f"module example.com/{name}\n\ngo 1.22\n\nrequire github.com/go-chi/chi/v5 v5.0.12\n")
    write(f"{d}/go.sum", "github.com/go-chi/chi/v5 v5.0.12 h1:abc=\ngithub.com/go-chi/chi/v5 v5.0.12/go.mod h1:def=\n")
    listen = f'"localhost:{port}"' if bad == "bind" else '":" + os.Getenv("PORT")'
    write(f"{d}/cmd/server/main.go", f'''package main

import (
	"log"
	"net/http"
	"os"

	"example.com/{name}/internal/handlers"
)

func main() {{
	http.HandleFunc("/items", handlers.List0)
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {{ w.WriteHeader(http.StatusOK) }})
	log.Fatal(http.ListenAndServe({listen}, nil))
}}
''')
    for i in range(rng.randint(8, 12)):
        write(f"{d}/internal/handlers/handlers{i}.go", GO_HANDLER.format(name=name, i=i, upper=upper))
    for i in range(3):
        write(f"{d}/internal/handlers/handlers{i}_test.go", GO_TEST.format(i=i))
    return [("PORT", str(port)), (f"{upper}_UPSTREAM", "http://upstream:9000")]


def rust_service(d, name, port, rng, bad):
    upper = name.upper().replace("-", "_")
    write(f"{d}/Dockerfile", f"""FROM rust:1.79 AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
COPY --from=build /src/target/release/{name} /usr/local/bin/{name}
USER 1000
EXPOSE {port}
CMD ["{name}"]
""")
    write(f"{d}/Cargo.toml", f'''[package]
name = "{name}"
version = "0.1.0"
edition = "2021"

[dependencies]
axum = "0.7"
serde = {{ version = "1", features = ["derive"] }}
tokio = {{ version = "1", features = ["full"] }}
tracing = "0.1"
''')
    write(f"{d}/Cargo.lock", "version = 3\n\n[[package]]\nname = \"axum\"\nversion = \"0.7.5\"\n")
    write(f"{d}/src/main.rs", f'''use std::net::SocketAddr;

mod handlers0;

#[tokio::main]
async fn main() {{
    tracing_subscriber::fmt().init();
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or({port});
    let addr = SocketAddr::from(([0, 0, 0, 0], port));
    let app = axum::Router::new().route("/healthz", axum::routing::get(|| async {{ "ok" }}));
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    axum::serve(listener, app).await.unwrap();
}}
''')
    for i in range(rng.randint(8, 12)):
        write(f"{d}/src/handlers{i}.rs", RS_HANDLER.format(name=name, i=i, upper=upper))
    return [("PORT", str(port)), (f"{upper}_UPSTREAM", "http://upstream:9000")]


def generated(d, rng, stack):
    """Generated and vendored code as real repositories carry it."""
    if stack == "python":
        body = "".join(
            f"_descriptor_{j} = _descriptor.FieldDescriptor(name='f{j}', index={j}, "
            f"number={j + 1}, type=9, cpp_type=9, label=1, default_value=b\"\".decode('utf-8'))\n"
            for j in range(400)
        )
        write(f"{d}/app/proto/items_pb2.py", "# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n"
              "from google.protobuf import descriptor as _descriptor\n" + body)
    elif stack == "go":
        body = "".join(f"func (x *Item) GetField{j}() string {{ if x != nil {{ return x.Field{j} }}; return \"\" }}\n" for j in range(400))
        write(f"{d}/internal/pb/items.pb.go", "// Code generated by protoc-gen-go. DO NOT EDIT.\npackage pb\n\n" + body)
    elif stack == "node":
        body = ";".join(f"function f{j}(a,b){{return a.concat(b).map(function(c){{return c*{j}}})}}" for j in range(600))
        write(f"{d}/public/vendor/lib.min.js", "/*! lib v1.2.3 | MIT */" + body + "\n")
    else:
        pass


def main():
    out, services = sys.argv[1], int(sys.argv[2])
    rng = random.Random(services)
    stacks = [("python", python_service), ("node", node_service), ("go", go_service), ("rust", rust_service)]
    compose = ["services:\n"]
    for s in range(services):
        stack, make = stacks[s % len(stacks)]
        name = f"{stack}-svc{s:05d}"
        d = os.path.join(out, "services", name)
        port = 8000 + (s % 1000)
        bad = rng.choice(["secret", "bind", "logfile", "latest", None, None, None, None, None, None])
        env = make(d, name, port, rng, bad)
        if s % 5 == 0:
            generated(d, rng, stack)
        write(f"{d}/deploy/k8s.yaml", k8s(name, port, f"registry.example.com/{name}:1.{s}.0", env))
        if s % 10 == 0:
            compose.append(f"  {name}:\n    build: services/{name}\n    ports: [\"{port}:{port}\"]\n"
                           f"    environment:\n      DATABASE_URL: ${{DATABASE_URL}}\n")
        write(f"{d}/README.md", f"# {name}\n\nThe {name} service.\n")
    compose.append("  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n")
    write(os.path.join(out, "compose.yaml"), "".join(compose))
    write(os.path.join(out, "README.md"), "# monorepo\n")


if __name__ == "__main__":
    main()
