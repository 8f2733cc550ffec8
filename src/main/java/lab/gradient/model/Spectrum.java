package lab.gradient.model;

import java.util.Map;
import lab.gradient.training.RecurrentSpectrum;

/** Each recurrent matrix's spectral radius and largest singular value at one probe, by matrix name. */
public record Spectrum(int iteration, Map<String, RecurrentSpectrum.Values> matrices) {}
