package lab.gradient.model;

/** One gradient-flow probe of a run: g(k) = ‖∂L_T/∂x_{T−k}‖ for each k back. */
public record Flow(int iteration, double[] norms) {}
