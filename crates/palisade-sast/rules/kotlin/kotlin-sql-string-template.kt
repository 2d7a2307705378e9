import java.sql.Connection
import javax.persistence.EntityManager

fun findUser(conn: Connection, name: String) {
    val st = conn.createStatement()
    // ruleid: kotlin-sql-string-template
    val rs = st.executeQuery("SELECT * FROM users WHERE name = '${name}'")
    // ok: kotlin-sql-string-template
    val ps = conn.prepareStatement("SELECT * FROM users WHERE name = ?")
    ps.setString(1, name)
}

fun deleteOrders(conn: Connection, customerId: String) {
    // ruleid: kotlin-sql-string-template
    conn.createStatement().executeUpdate("DELETE FROM orders WHERE customer_id = " + customerId)
}

class UserRepository(private val em: EntityManager) {
    fun byEmail(email: String): List<Any?> {
        // ruleid: kotlin-sql-string-template
        return em.createQuery("SELECT u FROM User u WHERE u.email = '${email.trim()}'").resultList
    }

    fun byEmailSafe(email: String): List<Any?> {
        // ok: kotlin-sql-string-template
        return em.createQuery("SELECT u FROM User u WHERE u.email = :email")
            .setParameter("email", email)
            .resultList
    }
}

fun notesFor(db: android.database.sqlite.SQLiteDatabase, owner: String): android.database.Cursor {
    // ruleid: kotlin-sql-string-template
    val bad = db.rawQuery("SELECT * FROM notes WHERE owner = '" + owner + "'", null)
    bad.close()
    // ok: kotlin-sql-string-template
    return db.rawQuery("SELECT * FROM notes WHERE owner = ?", arrayOf(owner))
}
