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
  const items = [];
  items.push("guest");
  items.push(p);
  fs.createReadStream(items[0]);
  res.send("ok");
});
