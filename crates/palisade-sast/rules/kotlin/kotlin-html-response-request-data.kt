import io.ktor.http.*
import io.ktor.server.application.*
import io.ktor.server.response.*

fun Application.hello() {
    routing {
        get("/hello") {
            // ruleid: kotlin-html-response-request-data
            call.respondText("<h1>Hello " + call.request.queryParameters["name"] + "</h1>", ContentType.Text.Html)
            // ok: kotlin-html-response-request-data
            call.respondText("<h1>Hello " + Encode.forHtml(call.request.queryParameters["name"]) + "</h1>", ContentType.Text.Html)
        }
    }
}
