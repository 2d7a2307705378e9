import java.sql.DriverManager

// ruleid: kotlin-hardcoded-password
const val DB_PASSWORD = "Winter2024!"

fun connect() {
    // ok: kotlin-hardcoded-password
    val c = DriverManager.getConnection("jdbc:postgresql://db/app", "app", System.getenv("DB_PASSWORD"))
}
