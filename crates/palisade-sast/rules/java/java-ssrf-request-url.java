import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.*;
import org.springframework.web.client.RestTemplate;

@RestController
class Preview {
    RestTemplate rest = new RestTemplate();
    HttpClient client = HttpClient.newHttpClient();

    @GetMapping("/preview")
    String preview(@RequestParam String url) {
        // ruleid: java-ssrf-request-url
        return rest.getForObject(url, String.class);
    }

    @GetMapping("/avatar")
    byte[] avatar(@RequestParam("src") String src) throws IOException {
        // ruleid: java-ssrf-request-url
        try (InputStream in = new URL(src).openStream()) {
            return in.readAllBytes();
        }
    }

    @GetMapping("/hook")
    String hook(HttpServletRequest request) throws Exception {
        // ruleid: java-ssrf-request-url
        HttpRequest req = HttpRequest.newBuilder(URI.create(request.getParameter("callback"))).build();
        return client.send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    @GetMapping("/proxy/{host}")
    String proxy(@PathVariable String host) {
        // ruleid: java-ssrf-request-url
        return rest.getForObject("http://" + host + "/status", String.class);
    }

    @GetMapping("/weather")
    String weather(@RequestParam String city) {
        // ok: java-ssrf-request-url
        return rest.getForObject("https://api.weather.example/v1?city={city}", String.class, city);
    }

    @GetMapping("/docs")
    String docs() throws IOException {
        // ok: java-ssrf-request-url
        try (InputStream in = new URL("https://docs.example.com/index.json").openStream()) {
            return new String(in.readAllBytes());
        }
    }
}
