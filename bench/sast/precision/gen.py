#!/usr/bin/env python3
"""Generates the precision suite: real/safe pairs of small web handlers.

Every pair is one construct (constant folding, switch, collections, fields, aliasing,
string building, sanitisers, calls, loops) applied to one sink of one category
(SQL injection CWE-89, OS command injection CWE-78, path traversal CWE-22) in Python
(Flask), Java (Servlet) and JavaScript (Express). The real case carries request data
to the sink; the safe case differs only by the construct, which makes the value that
reaches the sink constant, sanitised or unrelated to the request.

Written for palisade; deterministic; run from anywhere: `python3 gen.py` (rewrites cases/).
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cases")

# ---------------------------------------------------------------- Python (Flask)
PY_SINKS = {
    "sqli": ["cursor.execute({})", "conn.execute({})", "db.session.execute({})"],
    "cmdi": ["os.system({})", "os.popen({})", "subprocess.call({}, shell=True)"],
    "path": ["open({})", "os.remove({})", "send_file({})"],
}
PY_PREFIX = {"sqli": '"SELECT * FROM users WHERE name = \'" + {} + "\'"', "cmdi": '"ls " + {}', "path": '"/srv/files/" + {}'}
PY_SANITIZE = {
    "sqli": ('cursor.execute("SELECT * FROM users WHERE name = ?", (p,))', None),
    "cmdi": ("v = shlex.quote(p)", "v"),
    "path": ("v = os.path.basename(p)", "v"),
}
PY = {
    "direct": ("v = p", "v", "v = p\n    v = \"guest\"", "v"),
    "const-if": ("if (7 * 42) - 106 > 200:\n        v = \"guest\"\n    else:\n        v = p", "v",
                 "if (7 * 42) - 86 > 200:\n        v = \"guest\"\n    else:\n        v = p", "v"),
    "match-const": ("kind = \"b\"\n    match kind:\n        case \"a\":\n            v = \"guest\"\n        case \"b\":\n            v = p\n        case _:\n            v = \"x\"", "v",
                    "kind = \"a\"\n    match kind:\n        case \"a\":\n            v = \"guest\"\n        case \"b\":\n            v = p\n        case _:\n            v = \"x\"", "v"),
    "list-index": ("items = []\n    items.append(\"guest\")\n    items.append(p)", "items[1]",
                   "items = []\n    items.append(\"guest\")\n    items.append(p)", "items[0]"),
    "list-pop": ("items = [\"guest\", p, \"admin\"]\n    items.pop(0)", "items[0]",
                 "items = [\"guest\", p, \"admin\"]\n    items.pop(0)", "items[1]"),
    "dict-key": ("d = {}\n    d[\"user\"] = p\n    d[\"role\"] = \"guest\"", "d[\"user\"]",
                 "d = {}\n    d[\"user\"] = p\n    d[\"role\"] = \"guest\"", "d[\"role\"]"),
    "dict-get": ("d = {\"user\": p, \"role\": \"guest\"}", "d.get(\"user\")",
                 "d = {\"user\": p, \"role\": \"guest\"}", "d.get(\"role\")"),
    "fstring": ("v = f\"{p}\"", "v", "n = int(p)\n    v = f\"{n}\"", "v"),
    "format": ("v = \"{}\".format(p)", "v", "v = \"{}\".format(len(p))", "v"),
    "field": ("class Box:\n        pass\n    b = Box()\n    b.user = p\n    b.role = \"guest\"", "b.user",
              "class Box:\n        pass\n    b = Box()\n    b.user = p\n    b.role = \"guest\"", "b.role"),
    "alias": ("class Box:\n        pass\n    b = Box()\n    b.user = p\n    a = b", "a.user",
              "class Box:\n        pass\n    b = Box()\n    b.user = p\n    a = b\n    a.user = \"guest\"", "b.user"),
    "call": ("v = passthrough(p)", "v", "v = constant(p)", "v"),
    "ternary": ("v = p if 3 * 4 > 10 else \"guest\"", "v", "v = p if 3 * 4 < 10 else \"guest\"", "v"),
    "loop": ("v = \"\"\n    for part in [\"a\", p]:\n        v += part", "v",
             "v = \"\"\n    for part in [\"a\", \"b\"]:\n        v += part\n    log(p)", "v"),
    "sanitizer": ("v = p", "v", None, None),
}
PY_HEAD = """import os
import shlex
import subprocess
from flask import request, send_file


def passthrough(x):
    return x.strip()


def constant(x):
    return "guest"


def log(x):
    print(x)


def handler(cursor, conn, db):
    p = request.args.get("q")
"""

# ---------------------------------------------------------------- Java (Servlet)
JAVA_SINKS = {
    "sqli": ["stmt.executeQuery({})", "stmt.execute({})", "stmt.executeUpdate({})"],
    "cmdi": ["Runtime.getRuntime().exec({})", "new ProcessBuilder({}).start()", "rt.exec({})"],
    "path": ["new java.io.File({})", "new java.io.FileInputStream({})", "java.nio.file.Paths.get({})"],
}
JAVA_SANITIZE = {
    "sqli": ("java.sql.PreparedStatement ps = conn.prepareStatement(\"SELECT * FROM users WHERE name = ?\");\n        ps.setString(1, p);\n        ps.executeQuery();", None),
    "cmdi": ("String v = org.owasp.esapi.ESAPI.encoder().encodeForOS(new org.owasp.esapi.codecs.UnixCodec(), p);", "v"),
    "path": ("String v = org.apache.commons.io.FilenameUtils.getName(p);", "v"),
}
JAVA = {
    "direct": ("String v = p;", "v", "String v = p;\n        v = \"guest\";", "v"),
    "const-if": ("String v;\n        if ((7 * 42) - 106 > 200) v = \"guest\"; else v = p;", "v",
                 "String v;\n        if ((7 * 42) - 86 > 200) v = \"guest\"; else v = p;", "v"),
    "switch-const": ("String v;\n        String guess = \"ABC\";\n        switch (guess.charAt(1)) {\n            case 'A': v = \"guest\"; break;\n            case 'B': v = p; break;\n            default: v = \"x\"; break;\n        }", "v",
                     "String v;\n        String guess = \"ABC\";\n        switch (guess.charAt(0)) {\n            case 'A': v = \"guest\"; break;\n            case 'B': v = p; break;\n            default: v = \"x\"; break;\n        }", "v"),
    "list-index": ("java.util.List<String> items = new java.util.ArrayList<String>();\n        items.add(\"guest\");\n        items.add(p);", "items.get(1)",
                   "java.util.List<String> items = new java.util.ArrayList<String>();\n        items.add(\"guest\");\n        items.add(p);", "items.get(0)"),
    "list-remove": ("java.util.List<String> items = new java.util.ArrayList<String>();\n        items.add(\"guest\");\n        items.add(p);\n        items.add(\"admin\");\n        items.remove(0);", "items.get(0)",
                    "java.util.List<String> items = new java.util.ArrayList<String>();\n        items.add(\"guest\");\n        items.add(p);\n        items.add(\"admin\");\n        items.remove(0);", "items.get(1)"),
    "map-key": ("java.util.Map<String, String> m = new java.util.HashMap<String, String>();\n        m.put(\"user\", p);\n        m.put(\"role\", \"guest\");", "m.get(\"user\")",
                "java.util.Map<String, String> m = new java.util.HashMap<String, String>();\n        m.put(\"user\", p);\n        m.put(\"role\", \"guest\");", "m.get(\"role\")"),
    "builder": ("StringBuilder sb = new StringBuilder();\n        sb.append(\"x\");\n        sb.append(p);\n        String v = sb.toString();", "v",
                "StringBuilder sb = new StringBuilder();\n        sb.append(\"x\");\n        sb.append(Integer.parseInt(p));\n        String v = sb.toString();", "v"),
    "format": ("String v = String.format(\"%s\", p);", "v", "String v = String.format(\"%d\", p.length());", "v"),
    "number": ("String v = p.trim();", "v", "int n = Integer.parseInt(p);\n        String v = \"\" + n;", "v"),
    "field": ("Box b = new Box();\n        b.user = p;\n        b.role = \"guest\";", "b.user",
              "Box b = new Box();\n        b.user = p;\n        b.role = \"guest\";", "b.role"),
    "alias": ("Box b = new Box();\n        b.user = p;\n        Box a = b;", "a.user",
              "Box b = new Box();\n        b.user = p;\n        Box a = b;\n        a.user = \"guest\";", "b.user"),
    "call": ("String v = passthrough(p);", "v", "String v = constant(p);", "v"),
    "ternary": ("String v = (3 * 4 > 10) ? p : \"guest\";", "v", "String v = (3 * 4 < 10) ? p : \"guest\";", "v"),
    "loop": ("String v = \"\";\n        for (String part : new String[] {\"a\", p}) { v += part; }", "v",
             "String v = \"\";\n        for (String part : new String[] {\"a\", \"b\"}) { v += part; }\n        log(p);", "v"),
    "sanitizer": ("String v = p;", "v", None, None),
}
JAVA_HEAD = """import javax.servlet.http.HttpServletRequest;

public class {cls} {{
    static class Box {{ String user; String role; }}

    static String passthrough(String x) {{ return x.trim(); }}

    static String constant(String x) {{ return "guest"; }}

    static void log(String x) {{ System.out.println(x); }}

    public void handle(HttpServletRequest request, java.sql.Connection conn, java.sql.Statement stmt, Runtime rt) throws Exception {{
        String p = request.getParameter("q");
"""

# ---------------------------------------------------------------- JavaScript (Express)
JS_SINKS = {
    "sqli": ["connection.query({})", "db.query({})", "pool.query({})"],
    "cmdi": ["child_process.exec({})", "child_process.execSync({})", "exec({})"],
    "path": ["fs.readFileSync({})", "fs.readFile({}, cb)", "fs.createReadStream({})"],
}
JS_SANITIZE = {
    "sqli": ("db.query(\"SELECT * FROM users WHERE name = ?\", [p]);", None),
    "cmdi": ("const v = shellQuote.quote([p]);", "v"),
    "path": ("const v = path.basename(p);", "v"),
}
JS = {
    "direct": ("let v = p;", "v", "let v = p;\n  v = \"guest\";", "v"),
    "const-if": ("let v;\n  if ((7 * 42) - 106 > 200) { v = \"guest\"; } else { v = p; }", "v",
                 "let v;\n  if ((7 * 42) - 86 > 200) { v = \"guest\"; } else { v = p; }", "v"),
    "switch-const": ("let v;\n  switch (\"b\") {\n    case \"a\": v = \"guest\"; break;\n    case \"b\": v = p; break;\n    default: v = \"x\";\n  }", "v",
                     "let v;\n  switch (\"a\") {\n    case \"a\": v = \"guest\"; break;\n    case \"b\": v = p; break;\n    default: v = \"x\";\n  }", "v"),
    "array-index": ("const items = [];\n  items.push(\"guest\");\n  items.push(p);", "items[1]",
                    "const items = [];\n  items.push(\"guest\");\n  items.push(p);", "items[0]"),
    "array-shift": ("const items = [\"guest\", p, \"admin\"];\n  items.shift();", "items[0]",
                    "const items = [\"guest\", p, \"admin\"];\n  items.shift();", "items[1]"),
    "object-key": ("const o = { user: p, role: \"guest\" };", "o.user",
                   "const o = { user: p, role: \"guest\" };", "o.role"),
    "map-key": ("const m = new Map();\n  m.set(\"user\", p);\n  m.set(\"role\", \"guest\");", "m.get(\"user\")",
                "const m = new Map();\n  m.set(\"user\", p);\n  m.set(\"role\", \"guest\");", "m.get(\"role\")"),
    "template": ("const v = `${p}`;", "v", "const n = parseInt(p, 10);\n  const v = `${n}`;", "v"),
    "concat": ("const v = \"x\" + p;", "v", "const v = \"x\" + p.length;", "v"),
    "field": ("const b = {};\n  b.user = p;\n  b.role = \"guest\";", "b.user",
              "const b = {};\n  b.user = p;\n  b.role = \"guest\";", "b.role"),
    "alias": ("const b = {};\n  b.user = p;\n  const a = b;", "a.user",
              "const b = {};\n  b.user = p;\n  const a = b;\n  a.user = \"guest\";", "b.user"),
    "call": ("const v = passthrough(p);", "v", "const v = constant(p);", "v"),
    "ternary": ("const v = (3 * 4 > 10) ? p : \"guest\";", "v", "const v = (3 * 4 < 10) ? p : \"guest\";", "v"),
    "loop": ("let v = \"\";\n  for (const part of [\"a\", p]) { v += part; }", "v",
             "let v = \"\";\n  for (const part of [\"a\", \"b\"]) { v += part; }\n  log(p);", "v"),
    "sanitizer": ("const v = p;", "v", None, None),
}
JS_HEAD = """const child_process = require("child_process");
const { exec } = require("child_process");
const fs = require("fs");
const path = require("path");
const shellQuote = require("shell-quote");

function passthrough(x) { return x.trim(); }

function constant(x) { return "guest"; }

function log(x) { console.log(x); }

app.get("/item", (req, res) => {
  const p = req.query.q;
"""


def py_case(cat, sink, body, expr):
    s = PY_HEAD + "    " + body + "\n"
    if expr is not None:
        s += "    " + sink.format(PY_PREFIX[cat].format(expr) if cat != "path" else expr) + "\n"
    return s


def java_case(cls, cat, sink, body, expr):
    s = JAVA_HEAD.format(cls=cls) + "        " + body + "\n"
    if expr is not None:
        arg = expr if cat != "sqli" else "\"SELECT * FROM users WHERE name = '\" + " + expr + " + \"'\""
        s += "        " + sink.format(arg) + ";\n"
    return s + "    }\n}\n"


def js_case(cat, sink, body, expr):
    s = JS_HEAD + "  " + body + "\n"
    if expr is not None:
        arg = expr if cat != "sqli" else "\"SELECT * FROM users WHERE name = '\" + " + expr + " + \"'\""
        s += "  " + sink.format(arg) + ";\n"
    return s + "  res.send(\"ok\");\n});\n"


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    pairs = 0
    langs = [
        ("python", "py", PY, PY_SINKS, PY_SANITIZE),
        ("java", "java", JAVA, JAVA_SINKS, JAVA_SANITIZE),
        ("javascript", "js", JS, JS_SINKS, JS_SANITIZE),
    ]
    for lang, ext, constructs, sinks, sanitize in langs:
        for cat, sink_list in sinks.items():
            d = os.path.join(OUT, lang, cat)
            os.makedirs(d, exist_ok=True)
            for si, sink in enumerate(sink_list):
                for name, (rb, re_, sb, se) in constructs.items():
                    if sb is None:
                        sb, se = sanitize[cat]
                    for kind, body, expr in (("real", rb, re_), ("safe", sb, se)):
                        base = f"{name.replace('-', '_')}_{si}_{kind}"
                        if lang == "java":
                            cls = "Case_" + base
                            text = java_case(cls, cat, sink, body, expr)
                            fname = cls + ".java"
                        elif lang == "python":
                            text = py_case(cat, sink, body, expr)
                            fname = base + ".py"
                        else:
                            text = js_case(cat, sink, body, expr)
                            fname = base + ".js"
                        with open(os.path.join(d, fname), "w") as f:
                            f.write(text)
                    pairs += 1
    print(f"{pairs} pairs written under {OUT}")


if __name__ == "__main__":
    main()
