import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.*;

@RestController
class Search {
    @GetMapping("/search")
    boolean bad(@RequestParam String q, @RequestParam String text) {
        // ruleid: java-regex-from-request
        return Pattern.compile(q).matcher(text).find();
    }
    @GetMapping("/search2")
    boolean good(@RequestParam String q, @RequestParam String text) {
        // ok: java-regex-from-request
        return Pattern.compile(Pattern.quote(q)).matcher(text).find();
    }
}
