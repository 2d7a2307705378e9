using Microsoft.Data.SqlClient;

class Db {
    SqlConnection Open(IConfiguration config) {
        // ruleid: csharp-hardcoded-connection-string-password
        var a = new SqlConnection("Server=db;Database=app;User Id=app;Password=Winter2024!;");
        // ok: csharp-hardcoded-connection-string-password
        var b = new SqlConnection(config.GetConnectionString("Default"));
        return b;
    }
}
