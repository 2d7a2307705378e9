import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.LoaderOptions;

class Conf {
    Object bad(String text) {
        // ruleid: java-snakeyaml-unsafe-constructor
        return new Yaml().load(text);
    }
    Object good(String text) {
        // ok: java-snakeyaml-unsafe-constructor
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    }
}
