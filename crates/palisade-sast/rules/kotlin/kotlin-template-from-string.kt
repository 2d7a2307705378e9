import org.apache.velocity.app.Velocity
import org.apache.velocity.VelocityContext
import java.io.StringWriter

fun render(userTemplate: String, ctx: VelocityContext): String {
    val w = StringWriter()
    // ruleid: kotlin-template-from-string
    Velocity.evaluate(ctx, w, "mail", userTemplate)
    // ok: kotlin-template-from-string
    Velocity.evaluate(ctx, w, "mail", "Hello \$name")
    return w.toString()
}
