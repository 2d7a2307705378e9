import java.sql.*;

class UserDao {
    ResultSet find(Connection conn, String name) throws SQLException {
        Statement st = conn.createStatement();
        // ruleid: java-sql-string-concat
        ResultSet rs = st.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
        String q = "DELETE FROM users WHERE name = '" + name + "'";
        // ruleid: java-sql-string-concat
        st.executeUpdate(q);
        // ok: java-sql-string-concat
        PreparedStatement ps = conn.prepareStatement("SELECT * FROM users WHERE name = ?");
        ps.setString(1, name);
        return ps.executeQuery();
    }
}
