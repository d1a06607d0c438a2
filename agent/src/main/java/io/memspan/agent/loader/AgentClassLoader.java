package io.memspan.agent.loader;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * Loads memspan's own classes and libraries from the agent jar, asking only the platform class
 * loader (the JDK) first, never the application's class path. The agent jar is also on the
 * application's class path (the JVM appends every {@code -javaagent} jar there), but the
 * application never loads memspan's relocated classes, and for JNA its own copy comes first
 * there while memspan's copy lives here.
 */
final class AgentClassLoader extends URLClassLoader {
  static {
    registerAsParallelCapable();
  }

  AgentClassLoader(URL agentJar) {
    super("memspan", new URL[] {agentJar}, ClassLoader.getPlatformClassLoader());
  }
}
