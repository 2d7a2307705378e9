const child_process = require("child_process");

app.get("/users", (req, res) => {
  const name = req.query.name;
  // ruleid: taint-js-express-sql-injection
  db.query("SELECT * FROM users WHERE name = '" + name + "'");
  // ok: taint-js-express-sql-injection
  db.query("SELECT * FROM users WHERE name = ?", [name]);
  const o = { user: name, role: "guest" };
  // ok: taint-js-express-sql-injection
  db.query(`SELECT * FROM users WHERE role = '${o.role}'`);
  // ruleid: taint-js-express-sql-injection
  db.query(`SELECT * FROM users WHERE name = '${o.user}'`);
  res.send("ok");
});

app.post("/ping", (req, res) => {
  const host = req.body.host;
  // ruleid: taint-js-express-command-injection
  child_process.exec("ping -c 1 " + host);
  const count = parseInt(req.body.count, 10);
  // ok: taint-js-express-command-injection
  child_process.exec("ping -c " + count + " localhost");
  // ok: taint-js-express-command-injection
  child_process.execFile("ping", ["-c", "1", host]);
  res.send("ok");
});
