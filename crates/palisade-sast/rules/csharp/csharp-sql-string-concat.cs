using Microsoft.Data.SqlClient;

class UserRepo {
    object Find(SqlConnection conn, string name) {
        // ruleid: csharp-sql-string-concat
        var cmd = new SqlCommand("SELECT * FROM Users WHERE Name = '" + name + "'", conn);
        // ruleid: csharp-sql-string-concat
        var users = db.Users.FromSqlRaw($"SELECT * FROM Users WHERE Name = '{name}'").ToList();
        // ok: csharp-sql-string-concat
        var safe = new SqlCommand("SELECT * FROM Users WHERE Name = @name", conn);
        safe.Parameters.AddWithValue("@name", name);
        // ok: csharp-sql-string-concat
        var users2 = db.Users.FromSql($"SELECT * FROM Users WHERE Name = {name}").ToList();
        return cmd;
    }
}
