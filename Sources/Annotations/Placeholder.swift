public enum AnnotationsPlaceholder {}
