import javax.servlet.http.HttpServletRequest;

public class Case_builder_1_safe {
    static class Box { String user; String role; }

    static String passthrough(String x) { return x.trim(); }

    static String constant(String x) { return "guest"; }

    static void log(String x) { System.out.println(x); }

    public void handle(HttpServletRequest request, java.sql.Connection conn, java.sql.Statement stmt, Runtime rt) throws Exception {
        String p = request.getParameter("q");
        StringBuilder sb = new StringBuilder();
        sb.append("x");
        sb.append(Integer.parseInt(p));
        String v = sb.toString();
        new ProcessBuilder(v).start();
    }
}
