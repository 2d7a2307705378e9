import io.ktor.http.*

fun Application.login() {
    routing {
        post("/login") {
            // ruleid: kotlin-cookie-missing-httponly
            call.response.cookies.append(Cookie("sid", sid, path = "/"))
            // ok: kotlin-cookie-missing-httponly
            call.response.cookies.append(Cookie("sid", sid, path = "/", secure = true, httpOnly = true))
        }
    }
}
