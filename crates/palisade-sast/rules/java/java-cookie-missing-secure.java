import javax.servlet.http.*;

class Login {
    void bad(HttpServletResponse resp, String sid) {
        Cookie c = new Cookie("SESSION", sid);
        c.setPath("/");
        // ruleid: java-cookie-missing-secure
        resp.addCookie(c);
    }
    void good(HttpServletResponse resp, String sid) {
        Cookie c = new Cookie("SESSION", sid);
        c.setSecure(true);
        c.setHttpOnly(true);
        // ok: java-cookie-missing-secure
        resp.addCookie(c);
    }
}
