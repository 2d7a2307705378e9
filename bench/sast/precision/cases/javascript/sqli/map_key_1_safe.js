const child_process = require("child_process");
const { exec } = require("child_process");
const fs = require("fs");
const path = require("path");
const shellQuote = require("shell-quote");

function passthrough(x) { return x.trim(); }

function constant(x) { return "guest"; }

function log(x) { console.log(x); }

app.get("/item", (req, res) => {
  const p = req.query.q;
  const m = new Map();
  m.set("user", p);
  m.set("role", "guest");
  db.query("SELECT * FROM users WHERE name = '" + m.get("role") + "'");
  res.send("ok");
});
