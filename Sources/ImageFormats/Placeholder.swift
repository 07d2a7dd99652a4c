public enum ImageFormatsPlaceholder {}
