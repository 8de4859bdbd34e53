// Parses every .java file under a directory with javac's own parser, and nothing more (no types are resolved, so
// the jsii runtime's and cdk8s's jars are not needed): `java scripts/java-syntax.java <dir>` (Java 11+ runs a
// single source file). Used by scripts/check-languages.ts.
import com.sun.source.util.JavacTask;
import java.io.IOException;
import java.nio.file.*;
import java.util.*;
import java.util.stream.*;
import javax.tools.*;

public class JavaSyntax {
  public static void main(String[] args) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of(args[0]))) {
      files = walk.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fm = compiler.getStandardFileManager(diagnostics, null, null)) {
      JavacTask task = (JavacTask) compiler.getTask(null, fm, diagnostics, List.of("-proc:none"), null, fm.getJavaFileObjectsFromPaths(files));
      task.parse();
    }
    long errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).peek(System.err::println).count();
    System.out.println(files.size() + " files parsed, " + errors + " syntax errors");
    System.exit(errors == 0 ? 0 : 1);
  }
}
