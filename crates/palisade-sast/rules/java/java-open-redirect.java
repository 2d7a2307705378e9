import javax.servlet.http.*;
import java.io.IOException;

class Login extends HttpServlet {
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        // ruleid: java-open-redirect
        resp.sendRedirect(req.getParameter("next"));
        // ok: java-open-redirect
        resp.sendRedirect(req.getContextPath() + "/home");
    }
}
