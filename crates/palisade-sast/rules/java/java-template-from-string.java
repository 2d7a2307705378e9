import org.apache.velocity.app.Velocity;
import org.apache.velocity.VelocityContext;
import java.io.StringWriter;

class Mail {
    String render(String userTemplate, VelocityContext ctx) {
        StringWriter w = new StringWriter();
        // ruleid: java-template-from-string
        Velocity.evaluate(ctx, w, "mail", userTemplate);
        // ok: java-template-from-string
        Velocity.evaluate(ctx, w, "mail", "Hello $name");
        return w.toString();
    }
}
