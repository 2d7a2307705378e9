import com.fasterxml.jackson.databind.ObjectMapper;

class Json {
    ObjectMapper bad() {
        ObjectMapper m = new ObjectMapper();
        // ruleid: java-jackson-default-typing
        m.enableDefaultTyping();
        return m;
    }
    ObjectMapper good() {
        ObjectMapper m = new ObjectMapper();
        // ok: java-jackson-default-typing
        m.registerSubtypes(Cat.class, Dog.class);
        return m;
    }
}
