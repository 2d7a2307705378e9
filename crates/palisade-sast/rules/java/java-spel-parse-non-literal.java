import org.springframework.expression.*;
import org.springframework.expression.spel.standard.SpelExpressionParser;

class Rules {
    Object eval(String userExpr, Object root) {
        ExpressionParser parser = new SpelExpressionParser();
        // ruleid: java-spel-parse-non-literal
        Object a = parser.parseExpression(userExpr).getValue(root);
        // ok: java-spel-parse-non-literal
        Object b = parser.parseExpression("price * quantity").getValue(root);
        return a;
    }
}
