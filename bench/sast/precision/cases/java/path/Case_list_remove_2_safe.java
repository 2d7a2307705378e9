import javax.servlet.http.HttpServletRequest;

public class Case_list_remove_2_safe {
    static class Box { String user; String role; }

    static String passthrough(String x) { return x.trim(); }

    static String constant(String x) { return "guest"; }

    static void log(String x) { System.out.println(x); }

    public void handle(HttpServletRequest request, java.sql.Connection conn, java.sql.Statement stmt, Runtime rt) throws Exception {
        String p = request.getParameter("q");
        java.util.List<String> items = new java.util.ArrayList<String>();
        items.add("guest");
        items.add(p);
        items.add("admin");
        items.remove(0);
        java.nio.file.Paths.get(items.get(1));
    }
}
