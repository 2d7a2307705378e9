import mysql from "mysql2";

// ruleid: javascript-hardcoded-db-password
const a = mysql.createConnection({ host: "db", user: "app", password: "hunter2" });
// ok: javascript-hardcoded-db-password
const b = mysql.createConnection({ host: "db", user: "app", password: process.env.DB_PASSWORD });
