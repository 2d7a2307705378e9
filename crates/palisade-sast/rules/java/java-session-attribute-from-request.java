import javax.servlet.http.*;

class Prefs extends HttpServlet {
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
        // ruleid: java-session-attribute-from-request
        req.getSession().setAttribute("role", req.getParameter("role"));
        // ok: java-session-attribute-from-request
        req.getSession().setAttribute("lastSeen", System.currentTimeMillis());
    }
}
