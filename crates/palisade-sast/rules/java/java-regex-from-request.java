import java.util.regex.Pattern;
import javax.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.*;

@RestController
class Search {
    // ruleid: java-regex-from-request
    private static final Pattern EMAIL = Pattern.compile("^([a-zA-Z0-9]+\\.?)+@example\\.com$");

    // ok: java-regex-from-request
    private static final Pattern SLUG = Pattern.compile("^[a-z0-9]+(?:-[a-z0-9]+)*$");

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

    @GetMapping("/filter")
    boolean filter(HttpServletRequest request) {
        String name = request.getHeader("X-Name");
        // ruleid: java-regex-from-request
        return name.matches(request.getParameter("pattern"));
    }

    @GetMapping("/split")
    String[] split(@RequestParam("sep") String sep, @RequestParam("line") String line) {
        // ok: java-regex-from-request
        return line.split(Pattern.quote(sep));
    }
}
