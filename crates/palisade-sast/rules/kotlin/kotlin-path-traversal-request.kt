import io.ktor.server.application.*
import io.ktor.server.response.*
import java.io.File

fun Application.files() {
    routing {
        get("/file") {
            // ruleid: kotlin-path-traversal-request
            call.respondFile(File("/srv/files", call.parameters["name"]!!))
            // ok: kotlin-path-traversal-request
            call.respondFile(File("/srv/files", File(name).name))
        }
    }
}
