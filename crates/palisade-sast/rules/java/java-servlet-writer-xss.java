import javax.servlet.http.*;
import java.io.*;
import org.owasp.encoder.Encode;

class Hello extends HttpServlet {
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        PrintWriter out = resp.getWriter();
        // ruleid: java-servlet-writer-xss
        out.println("<h1>Hello " + req.getParameter("name") + "</h1>");
        // ok: java-servlet-writer-xss
        out.println("<h1>Hello " + Encode.forHtml(req.getParameter("name")) + "</h1>");
    }
}
