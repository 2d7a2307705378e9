import org.springframework.web.bind.annotation.*;
import org.springframework.web.client.RestTemplate;

@RestController
class Preview {
    RestTemplate rest = new RestTemplate();

    @GetMapping("/preview")
    String preview(@RequestParam String url) {
        // ruleid: java-ssrf-request-url
        return rest.getForObject(url, String.class);
    }

    @GetMapping("/weather")
    String weather(@RequestParam String city) {
        // ok: java-ssrf-request-url
        return rest.getForObject("https://api.weather.example/v1?city={city}", String.class, city);
    }
}
