export async function findUser(pool, req, res) {
  const name = req.query.name;
  // ruleid: typescript-sql-string-concat
  const rows = await pool.query("SELECT * FROM users WHERE name = '" + name + "'");
  // ruleid: typescript-sql-string-concat
  await pool.query(`DELETE FROM sessions WHERE user = '${name}'`);
  // ok: typescript-sql-string-concat
  const ok = await pool.query("SELECT * FROM users WHERE name = $1", [name]);
  return rows;
}
