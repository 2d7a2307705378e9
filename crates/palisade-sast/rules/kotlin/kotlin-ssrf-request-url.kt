import io.ktor.client.*
import io.ktor.client.request.*

fun Application.preview(client: HttpClient) {
    routing {
        get("/preview") {
            // ruleid: kotlin-ssrf-request-url
            val page = client.get(call.request.queryParameters["url"]!!)
            // ok: kotlin-ssrf-request-url
            val w = client.get("https://api.weather.example/v1") { parameter("city", call.request.queryParameters["city"]) }
        }
    }
}
