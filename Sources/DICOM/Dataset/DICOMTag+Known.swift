/// Tags the toolkit reads by name. Any other tag: `DICOMTag(keyword:)` or `DICOMTag(g, e)`.
extension DICOMTag {
    // File meta and identification
    /// (0002,0010) TransferSyntaxUID.
    public static let transferSyntaxUID = DICOMTag(0x0002, 0x0010)
    /// (0008,0005) SpecificCharacterSet.
    public static let specificCharacterSet = DICOMTag(0x0008, 0x0005)
    /// (0008,0008) ImageType.
    public static let imageType = DICOMTag(0x0008, 0x0008)
    /// (0008,0016) SOPClassUID.
    public static let sopClassUID = DICOMTag(0x0008, 0x0016)
    /// (0008,0018) SOPInstanceUID.
    public static let sopInstanceUID = DICOMTag(0x0008, 0x0018)
    /// (0008,0020) StudyDate.
    public static let studyDate = DICOMTag(0x0008, 0x0020)
    /// (0008,0021) SeriesDate.
    public static let seriesDate = DICOMTag(0x0008, 0x0021)
    /// (0008,0022) AcquisitionDate.
    public static let acquisitionDate = DICOMTag(0x0008, 0x0022)
    /// (0008,0023) ContentDate.
    public static let contentDate = DICOMTag(0x0008, 0x0023)
    /// (0008,002A) AcquisitionDateTime.
    public static let acquisitionDateTime = DICOMTag(0x0008, 0x002A)
    /// (0008,0030) StudyTime.
    public static let studyTime = DICOMTag(0x0008, 0x0030)
    /// (0008,0031) SeriesTime.
    public static let seriesTime = DICOMTag(0x0008, 0x0031)
    /// (0008,0032) AcquisitionTime.
    public static let acquisitionTime = DICOMTag(0x0008, 0x0032)
    /// (0008,0033) ContentTime.
    public static let contentTime = DICOMTag(0x0008, 0x0033)
    /// (0008,0060) Modality.
    public static let modality = DICOMTag(0x0008, 0x0060)
    /// (0008,0052) QueryRetrieveLevel.
    public static let queryRetrieveLevel = DICOMTag(0x0008, 0x0052)
    /// (0008,0070) Manufacturer.
    public static let manufacturer = DICOMTag(0x0008, 0x0070)
    /// (0008,1030) StudyDescription.
    public static let studyDescription = DICOMTag(0x0008, 0x1030)
    /// (0008,103E) SeriesDescription.
    public static let seriesDescription = DICOMTag(0x0008, 0x103E)
    /// (0008,1115) ReferencedSeriesSequence.
    public static let referencedSeriesSequence = DICOMTag(0x0008, 0x1115)
    /// (0008,114A) ReferencedInstanceSequence.
    public static let referencedInstanceSequence = DICOMTag(0x0008, 0x114A)
    /// (0008,1150) ReferencedSOPClassUID.
    public static let referencedSOPClassUID = DICOMTag(0x0008, 0x1150)
    /// (0008,1155) ReferencedSOPInstanceUID.
    public static let referencedSOPInstanceUID = DICOMTag(0x0008, 0x1155)
    // Patient
    /// (0010,0010) PatientName.
    public static let patientName = DICOMTag(0x0010, 0x0010)
    /// (0010,0020) PatientID.
    public static let patientID = DICOMTag(0x0010, 0x0020)
    /// (0010,0040) PatientSex.
    public static let patientSex = DICOMTag(0x0010, 0x0040)
    /// (0010,1020) PatientSize.
    public static let patientSize = DICOMTag(0x0010, 0x1020)
    /// (0010,1030) PatientWeight.
    public static let patientWeight = DICOMTag(0x0010, 0x1030)
    // Acquisition
    /// (0018,0050) SliceThickness.
    public static let sliceThickness = DICOMTag(0x0018, 0x0050)
    /// (0018,0088) SpacingBetweenSlices.
    public static let spacingBetweenSlices = DICOMTag(0x0018, 0x0088)
    /// (0018,1120) GantryDetectorTilt.
    public static let gantryDetectorTilt = DICOMTag(0x0018, 0x1120)
    /// (0018,1242) ActualFrameDuration.
    public static let actualFrameDuration = DICOMTag(0x0018, 0x1242)
    /// (0054,0016) RadiopharmaceuticalInformationSequence.
    public static let radiopharmaceuticalInformationSequence = DICOMTag(0x0054, 0x0016)
    /// (0018,1072) RadiopharmaceuticalStartTime.
    public static let radiopharmaceuticalStartTime = DICOMTag(0x0018, 0x1072)
    /// (0018,1078) RadiopharmaceuticalStartDateTime.
    public static let radiopharmaceuticalStartDateTime = DICOMTag(0x0018, 0x1078)
    /// (0018,1074) RadionuclideTotalDose.
    public static let radionuclideTotalDose = DICOMTag(0x0018, 0x1074)
    /// (0018,1075) RadionuclideHalfLife.
    public static let radionuclideHalfLife = DICOMTag(0x0018, 0x1075)
    // Relationship
    /// (0020,000D) StudyInstanceUID.
    public static let studyInstanceUID = DICOMTag(0x0020, 0x000D)
    /// (0020,000E) SeriesInstanceUID.
    public static let seriesInstanceUID = DICOMTag(0x0020, 0x000E)
    /// (0020,0010) StudyID.
    public static let studyID = DICOMTag(0x0020, 0x0010)
    /// (0020,0011) SeriesNumber.
    public static let seriesNumber = DICOMTag(0x0020, 0x0011)
    /// (0020,0012) AcquisitionNumber.
    public static let acquisitionNumber = DICOMTag(0x0020, 0x0012)
    /// (0020,0013) InstanceNumber.
    public static let instanceNumber = DICOMTag(0x0020, 0x0013)
    /// (0020,0032) ImagePositionPatient.
    public static let imagePositionPatient = DICOMTag(0x0020, 0x0032)
    /// (0020,0037) ImageOrientationPatient.
    public static let imageOrientationPatient = DICOMTag(0x0020, 0x0037)
    /// (0020,0052) FrameOfReferenceUID.
    public static let frameOfReferenceUID = DICOMTag(0x0020, 0x0052)
    /// (0020,1041) SliceLocation.
    public static let sliceLocation = DICOMTag(0x0020, 0x1041)
    /// PositionReferenceIndicator (0020,1040).
    public static let positionReferenceIndicator = DICOMTag(0x0020, 0x1040)
    /// PatientPosition (0018,5100).
    public static let patientPosition = DICOMTag(0x0018, 0x5100)
    // Image pixel
    /// (0028,0002) SamplesPerPixel.
    public static let samplesPerPixel = DICOMTag(0x0028, 0x0002)
    /// (0028,0004) PhotometricInterpretation.
    public static let photometricInterpretation = DICOMTag(0x0028, 0x0004)
    /// (0028,0008) NumberOfFrames.
    public static let numberOfFrames = DICOMTag(0x0028, 0x0008)
    /// (0028,0010) Rows.
    public static let rows = DICOMTag(0x0028, 0x0010)
    /// (0028,0011) Columns.
    public static let columns = DICOMTag(0x0028, 0x0011)
    /// (0028,0030) PixelSpacing.
    public static let pixelSpacing = DICOMTag(0x0028, 0x0030)
    /// (0028,0100) BitsAllocated.
    public static let bitsAllocated = DICOMTag(0x0028, 0x0100)
    /// (0028,0101) BitsStored.
    public static let bitsStored = DICOMTag(0x0028, 0x0101)
    /// (0028,0102) HighBit.
    public static let highBit = DICOMTag(0x0028, 0x0102)
    /// (0028,0103) PixelRepresentation.
    public static let pixelRepresentation = DICOMTag(0x0028, 0x0103)
    /// (0028,0006) PlanarConfiguration.
    public static let planarConfiguration = DICOMTag(0x0028, 0x0006)
    /// (0028,1050) WindowCenter.
    public static let windowCenter = DICOMTag(0x0028, 0x1050)
    /// (0028,1051) WindowWidth.
    public static let windowWidth = DICOMTag(0x0028, 0x1051)
    /// (0028,1052) RescaleIntercept.
    public static let rescaleIntercept = DICOMTag(0x0028, 0x1052)
    /// (0028,1053) RescaleSlope.
    public static let rescaleSlope = DICOMTag(0x0028, 0x1053)
    /// (0028,1054) RescaleType.
    public static let rescaleType = DICOMTag(0x0028, 0x1054)
    /// (7FE0,0010) PixelData.
    public static let pixelData = DICOMTag(0x7FE0, 0x0010)
    // PET
    /// (0054,1001) Units.
    public static let units = DICOMTag(0x0054, 0x1001)
    /// (0028,0051) CorrectedImage.
    public static let correctedImage = DICOMTag(0x0028, 0x0051)
    /// (0054,1102) DecayCorrection.
    public static let decayCorrection = DICOMTag(0x0054, 0x1102)
    /// (0054,1300) FrameReferenceTime.
    public static let frameReferenceTime = DICOMTag(0x0054, 0x1300)
    /// (0054,1321) DecayFactor.
    public static let decayFactor = DICOMTag(0x0054, 0x1321)
    /// Philips private SUV scale factor (7053,1000).
    public static let philipsSUVScaleFactor = DICOMTag(0x7053, 0x1000)
    /// Philips private activity-concentration scale factor (7053,1009).
    public static let philipsActivityConcentrationScaleFactor = DICOMTag(0x7053, 0x1009)
    // Enhanced multi-frame functional groups
    /// (5200,9229) SharedFunctionalGroupsSequence.
    public static let sharedFunctionalGroupsSequence = DICOMTag(0x5200, 0x9229)
    /// (5200,9230) PerFrameFunctionalGroupsSequence.
    public static let perFrameFunctionalGroupsSequence = DICOMTag(0x5200, 0x9230)
    /// (0020,9113) PlanePositionSequence.
    public static let planePositionSequence = DICOMTag(0x0020, 0x9113)
    /// (0020,9116) PlaneOrientationSequence.
    public static let planeOrientationSequence = DICOMTag(0x0020, 0x9116)
    /// (0028,9110) PixelMeasuresSequence.
    public static let pixelMeasuresSequence = DICOMTag(0x0028, 0x9110)
    /// (0028,9145) PixelValueTransformationSequence.
    public static let pixelValueTransformationSequence = DICOMTag(0x0028, 0x9145)
}
