import { exec, spawn } from "child_process";

// ruleid: js-alias-metavariable-chain
exec("ls " + dir);
// ok: js-alias-metavariable-chain
spawn("ls", [dir]);

// ruleid: js-assignment-is-declaration
const resetToken = Math.random();
let other;
// ruleid: js-assignment-is-declaration
other.apiToken = Math.random();
// ok: js-assignment-is-declaration
const jitter = Math.random();

// ruleid: js-template-metavariable
db.query(`SELECT * FROM t WHERE id = ${id}`);
// ok: js-template-metavariable
db.query(`SELECT * FROM t`);
// ok: js-template-metavariable
db.query("SELECT ${id}");
