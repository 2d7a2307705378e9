import java.sql.*;

class Db {
    // ruleid: java-hardcoded-password
    private static final String DB_PASSWORD = "Winter2024!";
    Connection bad() throws SQLException {
        // ruleid: java-hardcoded-password
        return DriverManager.getConnection("jdbc:postgresql://db/app", "app", "Winter2024!");
    }
    Connection good() throws SQLException {
        // ok: java-hardcoded-password
        return DriverManager.getConnection("jdbc:postgresql://db/app", "app", System.getenv("DB_PASSWORD"));
    }
}
