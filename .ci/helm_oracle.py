#!/usr/bin/env python3
"""Render every Helm chart under the given directories with real Helm (the helm-python-sdk
package bundles Helm's engine and renders offline), with the chart's values and again with each
values-*.yaml over them, and write what Helm rendered as JSON:

    {chart_dir: {"values.yaml" | "values-prod.yaml": {"error": msg} | {template: text}}}

tests/helm_oracle.rs compares twelve's own rendering with this, manifest by manifest.
"""
import json
import os
import sys

import yaml
from helm_python.chart import Chart


def charts_under(root):
    found = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in (".git", "node_modules"))
        if "Chart.yaml" in files:
            found.append(d)
    # a chart under another chart's charts/ renders as its subchart
    tops = []
    for c in sorted(found):
        if not any(c != p and c.startswith(p + os.sep + "charts" + os.sep) for p in found):
            tops.append(c)
    return tops


def main():
    out_path, roots = sys.argv[1], sys.argv[2:]
    result = {}
    for root in roots:
        for chart_dir in charts_under(root):
            runs = {"values.yaml": None}
            for f in sorted(os.listdir(chart_dir)):
                if f.startswith("values") and f.endswith((".yaml", ".yml")) and f not in ("values.yaml", "values.yml"):
                    with open(os.path.join(chart_dir, f)) as fh:
                        try:
                            runs[f] = yaml.safe_load(fh) or {}
                        except yaml.YAMLError as e:
                            runs[f] = {"__error__": str(e)}
            per = {}
            try:
                chart = Chart.load(chart_dir)
            except Exception as e:  # noqa: BLE001 - any load failure is data
                result[os.path.abspath(chart_dir)] = {"values.yaml": {"error": str(e)}}
                continue
            with chart:
                for name, values in runs.items():
                    if isinstance(values, dict) and "__error__" in values:
                        per[name] = {"error": values["__error__"]}
                        continue
                    try:
                        per[name] = chart.render(values=values)
                    except Exception as e:  # noqa: BLE001
                        per[name] = {"error": str(e)}
            result[os.path.abspath(chart_dir)] = per
    with open(out_path, "w") as fh:
        json.dump(result, fh, indent=1, sort_keys=True)
    print(f"helm oracle: rendered {len(result)} charts into {out_path}")


if __name__ == "__main__":
    main()
