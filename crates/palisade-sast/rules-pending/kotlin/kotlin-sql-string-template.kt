import java.sql.Connection

fun findUser(conn: Connection, name: String) {
    val st = conn.createStatement()
    // ruleid: kotlin-sql-string-template
    val rs = st.executeQuery("SELECT * FROM users WHERE name = '$name'")
    // ok: kotlin-sql-string-template
    val ps = conn.prepareStatement("SELECT * FROM users WHERE name = ?")
    ps.setString(1, name)
}
