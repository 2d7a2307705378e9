import javax.servlet.http.*;
import org.slf4j.*;

class Login extends HttpServlet {
    static final Logger log = LoggerFactory.getLogger(Login.class);
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
        // ruleid: java-log-request-data
        log.info("login failed for " + req.getParameter("user"));
        // ok: java-log-request-data
        log.info("login failed for {}", req.getParameter("user").replaceAll("[\\r\\n]", "_"));
    }
}
