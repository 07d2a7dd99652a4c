@_exported import ImagingCore
@_exported import ImageFormats
@_exported import Annotations
@_exported import DICOM
@_exported import NeuralNet
@_exported import NoduleModels
@_exported import Reports
@_exported import DICOMNetwork
