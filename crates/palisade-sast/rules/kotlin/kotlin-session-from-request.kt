import javax.servlet.http.*

fun save(req: HttpServletRequest) {
    // ruleid: kotlin-session-from-request
    req.session.setAttribute("role", req.getParameter("role"))
    // ok: kotlin-session-from-request
    req.session.setAttribute("lastSeen", System.currentTimeMillis())
}
