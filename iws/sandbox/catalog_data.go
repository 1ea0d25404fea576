package sandbox

import "github.com/intcomex-connector/connector/iws"

// The tables below drive the deterministic catalog generator. Texts come in pairs indexed by locale
// (0 = es, 1 = en). Ids, SKU prefixes and brand codes imitate the shapes seen in the spec's examples
// (`cco.case`, `sfw.business`, `SE001MSE01`, `CS700GNC04`, `AT216HEW36`).

const (
	localeES = 0
	localeEN = 1
)

// text is a string in Spanish and English.
type text [2]string

func same(s string) text { return text{s, s} }

type manufacturer struct {
	id   string
	name string
}

type brand struct {
	id      string
	name    string
	skuCode string // three upper-case letters inside the SKU
	mfr     int    // index into manufacturers
}

var manufacturers = []manufacturer{
	{"msf", "Microsoft"}, {"hpe", "HP Inc."}, {"lgt", "Logitech"}, {"eee", "ASUSTeK"}, {"len", "Lenovo"},
	{"del", "Dell"}, {"acr", "Acer"}, {"sam", "Samsung"}, {"lge", "LG Electronics"}, {"kgt", "Kingston"},
	{"wdc", "Western Digital"}, {"sgt", "Seagate"}, {"tpl", "TP-Link"}, {"cis", "Cisco"}, {"ubq", "Ubiquiti"},
	{"eps", "Epson"}, {"cnn", "Canon"}, {"sch", "Schneider Electric"}, {"frz", "Forza"}, {"kas", "Kaspersky"},
	{"esn", "ESET"}, {"gen", "Generic"}, {"xtc", "Xtech"}, {"cmr", "Cooler Master"}, {"cor", "Corsair"},
	{"itl", "Intel"}, {"amd", "AMD"}, {"gig", "Gigabyte"}, {"msi", "MSI"}, {"adb", "Adobe"}, {"hrm", "Harman"},
}

func mfrIndex(id string) int {
	for i, m := range manufacturers {
		if m.id == id {
			return i
		}
	}
	panic("sandbox: unknown manufacturer " + id)
}

var brands = []brand{
	{"msf", "Microsoft", "MSE", mfrIndex("msf")},
	{"xbx", "Xbox", "XBX", mfrIndex("msf")},
	{"hpe", "HP", "HEW", mfrIndex("hpe")},
	{"hyx", "HyperX", "HYX", mfrIndex("hpe")},
	{"lgt", "Logitech", "LGT", mfrIndex("lgt")},
	{"eee", "ASUS", "ASU", mfrIndex("eee")},
	{"len", "Lenovo", "LEN", mfrIndex("len")},
	{"del", "Dell", "DEL", mfrIndex("del")},
	{"acr", "Acer", "ACR", mfrIndex("acr")},
	{"sam", "Samsung", "SAM", mfrIndex("sam")},
	{"lge", "LG", "LGE", mfrIndex("lge")},
	{"kgt", "Kingston", "KNG", mfrIndex("kgt")},
	{"wdc", "Western Digital", "WDC", mfrIndex("wdc")},
	{"sgt", "Seagate", "SEG", mfrIndex("sgt")},
	{"tpl", "TP-Link", "TPL", mfrIndex("tpl")},
	{"cis", "Cisco", "CIS", mfrIndex("cis")},
	{"ubq", "Ubiquiti", "UBQ", mfrIndex("ubq")},
	{"eps", "Epson", "EPS", mfrIndex("eps")},
	{"cnn", "Canon", "CAN", mfrIndex("cnn")},
	{"apc", "APC", "APC", mfrIndex("sch")},
	{"frz", "Forza", "FRZ", mfrIndex("frz")},
	{"kas", "Kaspersky", "KAS", mfrIndex("kas")},
	{"esn", "ESET", "ESE", mfrIndex("esn")},
	{"gen", "Generic", "GNC", mfrIndex("gen")},
	{"xtc", "Xtech", "XTC", mfrIndex("xtc")},
	{"cmr", "Cooler Master", "CMR", mfrIndex("cmr")},
	{"cor", "Corsair", "COR", mfrIndex("cor")},
	{"itl", "Intel", "ITL", mfrIndex("itl")},
	{"amd", "AMD", "AMD", mfrIndex("amd")},
	{"gig", "Gigabyte", "GIG", mfrIndex("gig")},
	{"msi", "MSI", "MSI", mfrIndex("msi")},
	{"adb", "Adobe", "ADB", mfrIndex("adb")},
	{"jbl", "JBL", "JBL", mfrIndex("hrm")},
}

func brandIndexes(ids ...string) []uint16 {
	out := make([]uint16, 0, len(ids))
	for _, id := range ids {
		found := false
		for i, b := range brands {
			if b.id == id {
				out = append(out, uint16(i))
				found = true
				break
			}
		}
		if !found {
			panic("sandbox: unknown brand " + id)
		}
	}
	return out
}

type topCategory struct {
	id   string
	desc text
}

var topCategories = []topCategory{
	{"cco", text{"Componentes Informáticos", "Computer Components"}},
	{"cpt", text{"Computadoras", "Computers"}},
	{"mon", text{"Monitores", "Monitors"}},
	{"acc", text{"Accesorios", "Accessories"}},
	{"sfw", same("Software")},
	{"net", text{"Redes", "Networking"}},
	{"sto", text{"Almacenamiento", "Storage"}},
	{"prn", text{"Impresión", "Printing"}},
	{"pwr", text{"Energía", "Power"}},
	{"wty", text{"Garantías", "Warranties"}},
}

// spec is one specification attribute of a leaf category: its "Group / Attribute" name and the values
// a product can take. The chosen values also make up the product description.
type spec struct {
	name   text
	values []text
}

func vals(vs ...string) []text {
	out := make([]text, len(vs))
	for i, v := range vs {
		out[i] = same(v)
	}
	return out
}

// typeMix says how a leaf's products split between IWS product types.
type typeMix uint8

const (
	mixPhysical typeMix = iota // every product is Physical
	mixESD                     // Downloadable mostly, some License
	mixWarranty                // every product is Warranty
)

type leaf struct {
	top      int    // index into topCategories
	id       string // dotted id
	desc     text
	prefix   string // two upper-case letters opening the SKU
	noun     text   // what the product is, inside its description
	brands   []uint16
	lines    []string
	mix      typeMix
	price    [2]int64 // USD range, whole units
	weight   [2]int64 // item weight range, hundredths of a pound
	dims     [3]int64 // typical item length, width, height in hundredths of an inch
	specs    []spec
	selectBy int // relative share of the catalog
}

func topIndex(id string) int {
	for i, t := range topCategories {
		if t.id == id {
			return i
		}
	}
	panic("sandbox: unknown top category " + id)
}

var (
	specColor = spec{text{"General / Color", "General / Color"},
		[]text{{"Negro", "Black"}, {"Blanco", "White"}, {"Gris", "Gray"}, {"Azul", "Blue"}}}
	specConnection = spec{text{"Conectividad / Interfaz", "Connectivity / Interface"},
		[]text{{"Inalámbrico 2.4 GHz", "Wireless 2.4 GHz"}, {"Alámbrico USB", "Wired USB"}, same("Bluetooth")}}
	specCPU = spec{text{"Procesador / Tipo", "Processor / Type"},
		vals("Intel Core i3", "Intel Core i5", "Intel Core i7", "AMD Ryzen 5", "AMD Ryzen 7", "Intel Core Ultra 5")}
	specRAM = spec{text{"Memoria RAM / Tamaño instalado", "RAM / Installed Size"},
		[]text{{"8 GB RAM", "8 GB RAM"}, {"16 GB RAM", "16 GB RAM"}, {"32 GB RAM", "32 GB RAM"}}}
	specDisk = spec{text{"Almacenamiento / Capacidad", "Storage / Capacity"},
		[]text{{"SSD de 256 GB", "256 GB SSD"}, {"SSD de 512 GB", "512 GB SSD"}, {"SSD de 1 TB", "1 TB SSD"}}}
	specOS = spec{text{"Software / Sistema operativo", "Software / Operating System"},
		[]text{same("Win 11 Home"), same("Win 11 Pro"), {"Sin sistema operativo", "No OS"}}}
	specScreen = spec{text{"Pantalla / Diagonal", "Display / Diagonal"},
		vals(`14"`, `15.6"`, `16"`, `17.3"`)}
	specMonitorSize = spec{text{"Pantalla / Diagonal", "Display / Diagonal"},
		vals(`21.5"`, `23.8"`, `27"`, `31.5"`, `34"`)}
	specCapacityFlash = spec{text{"Almacenamiento / Capacidad", "Storage / Capacity"},
		vals("32 GB", "64 GB", "128 GB", "256 GB")}
	specLength = spec{text{"Cable / Longitud", "Cable / Length"}, vals("1 m", "2 m", "3 m", "5 m")}
	specYears  = spec{text{"Servicio / Duración", "Service / Term"},
		[]text{{"1 año", "1 year"}, {"2 años", "2 years"}, {"3 años", "3 years"}}}
)

var leaves = []leaf{
	{top: topIndex("cco"), id: "cco.case", desc: text{"Cajas / Gabinetes", "Cases"}, prefix: "CS",
		noun: text{"Gabinete", "Case"}, brands: brandIndexes("gen", "cmr", "cor", "xtc", "eee"),
		lines: []string{"MasterBox", "Vector", "Airflow", "Nova", "Core"}, price: [2]int64{25, 190},
		weight: [2]int64{800, 2500}, dims: [3]int64{1900, 850, 1700}, selectBy: 3,
		specs: []spec{{text{"General / Factor de forma", "General / Form Factor"},
			[]text{{"Torre media", "Mid tower"}, {"Mini torre", "Mini tower"}, {"Torre completa", "Full tower"}}}, specColor}},
	{top: topIndex("cco"), id: "cco.mem", desc: text{"Memorias RAM", "Memory"}, prefix: "ME",
		noun: text{"Memoria", "Memory"}, brands: brandIndexes("kgt", "cor", "hyx"),
		lines: []string{"Fury", "Vengeance", "ValueRAM", "Dominator"}, price: [2]int64{18, 160},
		weight: [2]int64{5, 20}, dims: [3]int64{530, 50, 30}, selectBy: 4,
		specs: []spec{{text{"Memoria / Capacidad", "Memory / Capacity"}, vals("8 GB", "16 GB", "32 GB")},
			{text{"Memoria / Tecnología", "Memory / Technology"}, vals("DDR4 3200 MHz", "DDR5 4800 MHz", "DDR5 5600 MHz")},
			{text{"Memoria / Factor de forma", "Memory / Form Factor"}, vals("DIMM", "SO-DIMM")}}},
	{top: topIndex("cco"), id: "cco.cpu", desc: text{"Procesadores", "Processors"}, prefix: "CP",
		noun: text{"Procesador", "Processor"}, brands: brandIndexes("itl", "amd"),
		lines: []string{"Core", "Ryzen", "Core Ultra"}, price: [2]int64{90, 620},
		weight: [2]int64{10, 60}, dims: [3]int64{500, 450, 300}, selectBy: 2,
		specs: []spec{{text{"Procesador / Núcleos", "Processor / Cores"}, []text{{"6 núcleos", "6 cores"}, {"8 núcleos", "8 cores"}, {"12 núcleos", "12 cores"}, {"16 núcleos", "16 cores"}}},
			{text{"Procesador / Zócalo", "Processor / Socket"}, vals("LGA1700", "AM5", "AM4", "LGA1851")}}},
	{top: topIndex("cco"), id: "cco.vga", desc: text{"Tarjetas de Video", "Graphics Cards"}, prefix: "VG",
		noun: text{"Tarjeta de video", "Graphics card"}, brands: brandIndexes("eee", "gig", "msi"),
		lines: []string{"Dual", "Gaming OC", "Ventus", "TUF", "Eagle"}, price: [2]int64{180, 1200},
		weight: [2]int64{80, 350}, dims: [3]int64{1200, 500, 200}, selectBy: 2,
		specs: []spec{{text{"Video / Procesador gráfico", "Video / Graphics Processor"}, vals("GeForce RTX 4060", "GeForce RTX 4070", "GeForce RTX 5070", "Radeon RX 7600", "Radeon RX 9070")},
			{text{"Video / Memoria", "Video / Memory"}, vals("8 GB GDDR6", "12 GB GDDR6X", "16 GB GDDR7")}}},
	{top: topIndex("cco"), id: "cco.mb", desc: text{"Tarjetas Madre", "Motherboards"}, prefix: "MB",
		noun: text{"Tarjeta madre", "Motherboard"}, brands: brandIndexes("eee", "gig", "msi"),
		lines: []string{"Prime", "Aorus", "MAG", "ROG Strix", "Pro"}, price: [2]int64{70, 450},
		weight: [2]int64{150, 350}, dims: [3]int64{1200, 960, 250}, selectBy: 2,
		specs: []spec{{text{"Placa / Zócalo", "Board / Socket"}, vals("LGA1700", "AM5", "AM4")},
			{text{"Placa / Factor de forma", "Board / Form Factor"}, vals("ATX", "Micro ATX", "Mini ITX")}}},
	{top: topIndex("cco"), id: "cco.psu", desc: text{"Fuentes de Poder", "Power Supplies"}, prefix: "PS",
		noun: text{"Fuente de poder", "Power supply"}, brands: brandIndexes("cor", "cmr", "xtc", "gen"),
		lines: []string{"CV", "MWE", "RM", "Elite"}, price: [2]int64{30, 220},
		weight: [2]int64{250, 600}, dims: [3]int64{600, 590, 340}, selectBy: 2,
		specs: []spec{{text{"Energía / Potencia", "Power / Wattage"}, vals("500 W", "650 W", "750 W", "850 W")},
			{text{"Energía / Certificación", "Power / Certification"}, vals("80 Plus Bronze", "80 Plus Gold", "80 Plus White")}}},
	{top: topIndex("cpt"), id: "cpt.nb", desc: text{"Portátiles", "Notebooks"}, prefix: "NB",
		noun: text{"Portátil", "Notebook"}, brands: brandIndexes("hpe", "len", "del", "acr", "eee"),
		lines: []string{"ProBook", "IdeaPad", "Inspiron", "Aspire", "Vivobook", "ThinkPad", "Latitude"}, price: [2]int64{380, 2300},
		weight: [2]int64{280, 600}, dims: [3]int64{1420, 940, 80}, selectBy: 8,
		specs: []spec{specScreen, specCPU, specRAM, specDisk, specOS}},
	{top: topIndex("cpt"), id: "cpt.dt", desc: text{"Computadoras de Escritorio", "Desktop Computers"}, prefix: "DT",
		noun: text{"Computadora de escritorio", "Desktop"}, brands: brandIndexes("hpe", "len", "del", "acr"),
		lines: []string{"ProDesk", "ThinkCentre", "OptiPlex", "Veriton"}, price: [2]int64{420, 1800},
		weight: [2]int64{900, 2200}, dims: [3]int64{1400, 650, 1350}, selectBy: 4,
		specs: []spec{{text{"General / Factor de forma", "General / Form Factor"}, []text{{"Torre", "Tower"}, {"Mini", "Mini"}, {"Factor de forma reducido", "Small form factor"}}}, specCPU, specRAM, specDisk, specOS}},
	{top: topIndex("cpt"), id: "cpt.aio", desc: text{"Todo en Uno", "All-in-One"}, prefix: "AO",
		noun: text{"Todo en uno", "All-in-one"}, brands: brandIndexes("hpe", "len", "del", "eee"),
		lines: []string{"ProOne", "IdeaCentre AIO", "Inspiron AIO", "Zen AiO"}, price: [2]int64{550, 2100},
		weight: [2]int64{900, 1800}, dims: [3]int64{2400, 800, 1700}, selectBy: 2,
		specs: []spec{{text{"Pantalla / Diagonal", "Display / Diagonal"}, vals(`23.8"`, `27"`)}, specCPU, specRAM, specDisk, specOS}},
	{top: topIndex("cpt"), id: "cpt.tab", desc: text{"Tabletas", "Tablets"}, prefix: "TB",
		noun: text{"Tableta", "Tablet"}, brands: brandIndexes("sam", "len", "eee"),
		lines: []string{"Galaxy Tab", "Tab", "ZenPad"}, price: [2]int64{120, 1100},
		weight: [2]int64{90, 160}, dims: [3]int64{980, 650, 30}, selectBy: 2,
		specs: []spec{{text{"Pantalla / Diagonal", "Display / Diagonal"}, vals(`8.7"`, `10.1"`, `11"`, `12.4"`)}, {text{"Almacenamiento / Capacidad", "Storage / Capacity"}, vals("64 GB", "128 GB", "256 GB")}, specColor}},
	{top: topIndex("mon"), id: "mon.led", desc: text{"Monitores LED", "LED Monitors"}, prefix: "MO",
		noun: text{"Monitor LED", "LED monitor"}, brands: brandIndexes("sam", "lge", "del", "hpe", "acr"),
		lines: []string{"Essential", "UltraSharp", "P-Series", "ProDisplay", "Nitro"}, price: [2]int64{90, 900},
		weight: [2]int64{600, 1800}, dims: [3]int64{2400, 800, 1700}, selectBy: 5,
		specs: []spec{specMonitorSize, {text{"Pantalla / Resolución", "Display / Resolution"}, vals("Full HD 1920 x 1080", "QHD 2560 x 1440", "4K UHD 3840 x 2160")}, {text{"Pantalla / Tipo de panel", "Display / Panel Type"}, vals("IPS", "VA", "TN")}}},
	{top: topIndex("mon"), id: "mon.gam", desc: text{"Monitores Gamer", "Gaming Monitors"}, prefix: "MG",
		noun: text{"Monitor gamer", "Gaming monitor"}, brands: brandIndexes("sam", "lge", "eee", "msi", "acr"),
		lines: []string{"Odyssey", "UltraGear", "ROG Swift", "MAG", "Predator"}, price: [2]int64{180, 1400},
		weight: [2]int64{800, 2000}, dims: [3]int64{2450, 900, 1800}, selectBy: 3,
		specs: []spec{specMonitorSize, {text{"Pantalla / Frecuencia de actualización", "Display / Refresh Rate"}, vals("144 Hz", "165 Hz", "180 Hz", "240 Hz")}, {text{"Pantalla / Resolución", "Display / Resolution"}, vals("Full HD 1920 x 1080", "QHD 2560 x 1440")}}},
	{top: topIndex("acc"), id: "acc.mse", desc: text{"Mouse", "Mice"}, prefix: "MS",
		noun: text{"Mouse", "Mouse"}, brands: brandIndexes("lgt", "msf", "xtc", "gen", "hyx"),
		lines: []string{"M-Series", "Pulsefire", "Signature", "Bluetrack", "Pebble"}, price: [2]int64{5, 120},
		weight: [2]int64{15, 40}, dims: [3]int64{450, 270, 160}, selectBy: 6,
		specs: []spec{specConnection, specColor}},
	{top: topIndex("acc"), id: "acc.kbd", desc: text{"Teclados", "Keyboards"}, prefix: "KB",
		noun: text{"Teclado", "Keyboard"}, brands: brandIndexes("lgt", "msf", "xtc", "hyx", "cor"),
		lines: []string{"K-Series", "Alloy", "MX Keys", "Designer", "K55"}, price: [2]int64{9, 180},
		weight: [2]int64{80, 250}, dims: [3]int64{1800, 600, 150}, selectBy: 5,
		specs: []spec{{text{"Teclado / Idioma", "Keyboard / Layout"}, []text{{"Español", "Spanish"}, {"Inglés", "English"}, {"Portugués", "Portuguese"}}}, specConnection}},
	{top: topIndex("acc"), id: "acc.hds", desc: text{"Audífonos", "Headsets"}, prefix: "HS",
		noun: text{"Audífonos", "Headset"}, brands: brandIndexes("lgt", "hyx", "jbl", "cor"),
		lines: []string{"Cloud", "Tune", "Zone", "HS", "G-Series"}, price: [2]int64{12, 350},
		weight: [2]int64{30, 90}, dims: [3]int64{800, 700, 350}, selectBy: 4,
		specs: []spec{{text{"Audio / Tipo", "Audio / Form"}, []text{{"Sobre la oreja", "Over-ear"}, {"Intrauriculares", "In-ear"}, {"En la oreja", "On-ear"}}}, specConnection, specColor}},
	{top: topIndex("acc"), id: "acc.web", desc: text{"Cámaras Web", "Webcams"}, prefix: "WC",
		noun: text{"Cámara web", "Webcam"}, brands: brandIndexes("lgt", "xtc", "gen"),
		lines: []string{"C-Series", "Brio", "StreamCam"}, price: [2]int64{15, 220},
		weight: [2]int64{10, 40}, dims: [3]int64{380, 120, 120}, selectBy: 2,
		specs: []spec{{text{"Cámara / Resolución", "Camera / Resolution"}, vals("720p", "1080p", "4K")}}},
	{top: topIndex("acc"), id: "acc.bag", desc: text{"Maletines y Mochilas", "Bags & Cases"}, prefix: "BG",
		noun: text{"Maletín", "Carrying case"}, brands: brandIndexes("xtc", "gen", "hpe", "len"),
		lines: []string{"Urban", "Travel", "Essential", "Executive"}, price: [2]int64{9, 95},
		weight: [2]int64{40, 250}, dims: [3]int64{1700, 1200, 400}, selectBy: 3,
		specs: []spec{{text{"Estuche / Tipo", "Case / Type"}, []text{{"Mochila", "Backpack"}, {"Maletín", "Briefcase"}, {"Funda", "Sleeve"}}}, {text{"Estuche / Tamaño máximo", "Case / Max Size"}, vals(`14"`, `15.6"`, `17"`)}, specColor}},
	{top: topIndex("acc"), id: "acc.cbl", desc: text{"Cables y Adaptadores", "Cables & Adapters"}, prefix: "CB",
		noun: text{"Cable", "Cable"}, brands: brandIndexes("xtc", "gen"),
		lines: []string{"Basic", "Plus", "Pro"}, price: [2]int64{2, 30},
		weight: [2]int64{5, 40}, dims: [3]int64{600, 400, 100}, selectBy: 4,
		specs: []spec{{text{"Cable / Tipo", "Cable / Type"}, []text{same("HDMI"), {"USB-C a USB-A", "USB-C to USB-A"}, same("DisplayPort"), {"USB-C a USB-C", "USB-C to USB-C"}}}, specLength}},
	{top: topIndex("acc"), id: "acc.gmp", desc: text{"Controles de Juego", "Game Controllers"}, prefix: "GP",
		noun: text{"Control", "Controller"}, brands: brandIndexes("xbx", "lgt"),
		lines: []string{"Wireless Controller", "F-Series", "Elite"}, price: [2]int64{25, 180},
		weight: [2]int64{40, 90}, dims: [3]int64{650, 450, 250}, selectBy: 1,
		specs: []spec{specColor}},
	{top: topIndex("sfw"), id: "sfw.business", desc: text{"Aplicaciones de Negocios y Oficina", "Business & Office Applications"}, prefix: "SE",
		noun: text{"Licencia", "License"}, brands: brandIndexes("msf", "adb"), mix: mixESD,
		lines: []string{"Office", "Microsoft 365", "Acrobat", "Project", "Visio"}, price: [2]int64{20, 550}, selectBy: 3,
		specs: []spec{{text{"Licencia / Edición", "License / Edition"}, []text{{"Hogar y Estudiantes", "Home & Student"}, {"Empresas", "Business"}, {"Profesional", "Professional"}, {"Estándar", "Standard"}}},
			{text{"Licencia / Usuarios", "License / Users"}, []text{{"1 usuario", "1 user"}, {"5 usuarios", "5 users"}}},
			{text{"Licencia / Vigencia", "License / Term"}, []text{{"1 año", "1 year"}, {"Perpetua", "Perpetual"}}}}},
	{top: topIndex("sfw"), id: "sfw.os", desc: text{"Sistemas Operativos", "Operating Systems"}, prefix: "SO",
		noun: text{"Sistema operativo", "Operating system"}, brands: brandIndexes("msf"), mix: mixESD,
		lines: []string{"Windows 11", "Windows Server 2025"}, price: [2]int64{110, 1100}, selectBy: 1,
		specs: []spec{{text{"Licencia / Edición", "License / Edition"}, vals("Home", "Pro", "Standard", "Datacenter")}, {text{"Licencia / Idioma", "License / Language"}, []text{{"Español", "Spanish"}, {"Inglés", "English"}, {"Multilenguaje", "All Languages"}}}}},
	{top: topIndex("sfw"), id: "sfw.sec", desc: text{"Seguridad", "Security"}, prefix: "SA",
		noun: text{"Antivirus", "Antivirus"}, brands: brandIndexes("kas", "esn"), mix: mixESD,
		lines: []string{"Standard", "Plus", "Premium", "Internet Security", "NOD32"}, price: [2]int64{15, 120}, selectBy: 2,
		specs: []spec{{text{"Licencia / Dispositivos", "License / Devices"}, []text{{"1 dispositivo", "1 device"}, {"3 dispositivos", "3 devices"}, {"5 dispositivos", "5 devices"}}}, specYears}},
	{top: topIndex("net"), id: "net.rtr", desc: same("Routers"), prefix: "RT",
		noun: same("Router"), brands: brandIndexes("tpl", "cis", "ubq"),
		lines: []string{"Archer", "Deco", "RV", "EdgeRouter"}, price: [2]int64{20, 650},
		weight: [2]int64{40, 300}, dims: [3]int64{900, 600, 200}, selectBy: 3,
		specs: []spec{{text{"Red / Estándar inalámbrico", "Network / Wireless Standard"}, vals("Wi-Fi 5", "Wi-Fi 6", "Wi-Fi 6E", "Wi-Fi 7")}, {text{"Red / Puertos LAN", "Network / LAN Ports"}, vals("4", "8")}}},
	{top: topIndex("net"), id: "net.sw", desc: same("Switches"), prefix: "SW",
		noun: same("Switch"), brands: brandIndexes("tpl", "cis", "ubq"),
		lines: []string{"TL-SG", "Catalyst", "UniFi Switch", "CBS"}, price: [2]int64{18, 2400},
		weight: [2]int64{50, 1200}, dims: [3]int64{1700, 900, 170}, selectBy: 2,
		specs: []spec{{text{"Red / Puertos", "Network / Ports"}, []text{{"8 puertos", "8 ports"}, {"16 puertos", "16 ports"}, {"24 puertos", "24 ports"}, {"48 puertos", "48 ports"}}}, {text{"Red / Administración", "Network / Management"}, []text{{"No administrable", "Unmanaged"}, {"Administrable", "Managed"}}}}},
	{top: topIndex("net"), id: "net.ap", desc: text{"Puntos de Acceso", "Access Points"}, prefix: "AP",
		noun: text{"Punto de acceso", "Access point"}, brands: brandIndexes("tpl", "ubq", "cis"),
		lines: []string{"EAP", "UniFi", "Aironet"}, price: [2]int64{40, 900},
		weight: [2]int64{40, 150}, dims: [3]int64{800, 800, 150}, selectBy: 2,
		specs: []spec{{text{"Red / Estándar inalámbrico", "Network / Wireless Standard"}, vals("Wi-Fi 5", "Wi-Fi 6", "Wi-Fi 6E")}}},
	{top: topIndex("sto"), id: "sto.ssd", desc: text{"Unidades de Estado Sólido", "Solid State Drives"}, prefix: "SD",
		noun: text{"Unidad de estado sólido", "Solid state drive"}, brands: brandIndexes("kgt", "sam", "wdc", "sgt"),
		lines: []string{"A400", "NV3", "990 EVO", "WD Blue", "FireCuda"}, price: [2]int64{25, 380},
		weight: [2]int64{5, 25}, dims: [3]int64{400, 280, 30}, selectBy: 4,
		specs: []spec{{text{"Almacenamiento / Capacidad", "Storage / Capacity"}, vals("480 GB", "500 GB", "1 TB", "2 TB", "4 TB")}, {text{"Almacenamiento / Interfaz", "Storage / Interface"}, vals("SATA III", "NVMe PCIe 4.0", "NVMe PCIe 5.0")}}},
	{top: topIndex("sto"), id: "sto.hdd", desc: text{"Discos Duros Internos", "Internal Hard Drives"}, prefix: "HD",
		noun: text{"Disco duro", "Hard drive"}, brands: brandIndexes("wdc", "sgt"),
		lines: []string{"Blue", "Purple", "BarraCuda", "IronWolf", "SkyHawk"}, price: [2]int64{45, 420},
		weight: [2]int64{90, 160}, dims: [3]int64{580, 400, 100}, selectBy: 2,
		specs: []spec{{text{"Almacenamiento / Capacidad", "Storage / Capacity"}, vals("1 TB", "2 TB", "4 TB", "8 TB", "12 TB")}, {text{"Almacenamiento / Velocidad", "Storage / Spindle Speed"}, vals("5400 rpm", "7200 rpm")}}},
	{top: topIndex("sto"), id: "sto.usb", desc: text{"Memorias USB", "USB Flash Drives"}, prefix: "UF",
		noun: text{"Memoria USB", "USB flash drive"}, brands: brandIndexes("kgt", "sam", "gen"),
		lines: []string{"DataTraveler", "BAR Plus", "Exodia"}, price: [2]int64{4, 40},
		weight: [2]int64{1, 5}, dims: [3]int64{200, 80, 40}, selectBy: 3,
		specs: []spec{specCapacityFlash, {text{"Almacenamiento / Interfaz", "Storage / Interface"}, vals("USB 3.2 Gen 1", "USB 2.0", "USB-C")}}},
	{top: topIndex("sto"), id: "sto.ext", desc: text{"Discos Externos", "External Drives"}, prefix: "EX",
		noun: text{"Disco externo", "External drive"}, brands: brandIndexes("wdc", "sgt", "sam"),
		lines: []string{"My Passport", "Elements", "Expansion", "T7"}, price: [2]int64{55, 320},
		weight: [2]int64{20, 60}, dims: [3]int64{460, 320, 110}, selectBy: 2,
		specs: []spec{{text{"Almacenamiento / Capacidad", "Storage / Capacity"}, vals("1 TB", "2 TB", "4 TB", "5 TB")}, specColor}},
	{top: topIndex("prn"), id: "prn.ink", desc: text{"Cartuchos de Tinta", "Ink Cartridges"}, prefix: "IK",
		noun: text{"Cartucho de tinta", "Ink cartridge"}, brands: brandIndexes("hpe", "eps", "cnn"),
		lines: []string{"664", "667XL", "T544", "GI-190", "954XL"}, price: [2]int64{9, 70},
		weight: [2]int64{5, 20}, dims: [3]int64{450, 100, 400}, selectBy: 4,
		specs: []spec{{text{"Consumible / Color", "Consumable / Color"}, []text{{"Negro", "Black"}, {"Cián", "Cyan"}, same("Magenta"), {"Amarillo", "Yellow"}, {"Tricolor", "Tri-color"}}}, {text{"Consumible / Rendimiento", "Consumable / Yield"}, []text{{"Estándar", "Standard"}, {"Alto rendimiento", "High yield"}}}}},
	{top: topIndex("prn"), id: "prn.las", desc: text{"Impresoras Láser", "Laser Printers"}, prefix: "LP",
		noun: text{"Impresora láser", "Laser printer"}, brands: brandIndexes("hpe", "cnn"),
		lines: []string{"LaserJet", "i-SENSYS", "LaserJet Pro"}, price: [2]int64{120, 1500},
		weight: [2]int64{1200, 3500}, dims: [3]int64{1600, 1400, 1000}, selectBy: 2,
		specs: []spec{{text{"Impresora / Tecnología", "Printer / Technology"}, []text{{"Monocromática", "Monochrome"}, same("Color")}}, {text{"Impresora / Velocidad", "Printer / Speed"}, vals("20 ppm", "30 ppm", "40 ppm")}}},
	{top: topIndex("prn"), id: "prn.mfp", desc: text{"Multifuncionales de Tinta", "Inkjet Multifunction Printers"}, prefix: "IM",
		noun: text{"Multifuncional", "Multifunction printer"}, brands: brandIndexes("hpe", "eps", "cnn"),
		lines: []string{"Smart Tank", "EcoTank", "PIXMA", "DeskJet"}, price: [2]int64{70, 700},
		weight: [2]int64{900, 2000}, dims: [3]int64{1700, 1400, 800}, selectBy: 2,
		specs: []spec{{text{"Impresora / Conectividad", "Printer / Connectivity"}, vals("USB", "Wi-Fi", "Wi-Fi, Ethernet")}}},
	{top: topIndex("pwr"), id: "pwr.ups", desc: same("UPS"), prefix: "UP",
		noun: same("UPS"), brands: brandIndexes("apc", "frz"),
		lines: []string{"Back-UPS", "Smart-UPS", "NT", "XG"}, price: [2]int64{45, 1600},
		weight: [2]int64{700, 6000}, dims: [3]int64{1200, 600, 900}, selectBy: 2,
		specs: []spec{{text{"Energía / Capacidad", "Power / Capacity"}, vals("600 VA", "750 VA", "1000 VA", "1500 VA", "3000 VA")}, {text{"Energía / Tipo", "Power / Type"}, []text{{"Interactivo", "Line interactive"}, {"En línea", "Online"}}}}},
	{top: topIndex("pwr"), id: "pwr.reg", desc: text{"Reguladores de Voltaje", "Voltage Regulators"}, prefix: "RV",
		noun: text{"Regulador de voltaje", "Voltage regulator"}, brands: brandIndexes("frz", "apc"),
		lines: []string{"FVR", "Line-R"}, price: [2]int64{15, 120},
		weight: [2]int64{200, 900}, dims: [3]int64{800, 600, 400}, selectBy: 1,
		specs: []spec{{text{"Energía / Capacidad", "Power / Capacity"}, vals("1000 VA", "1200 VA", "2200 VA")}, {text{"Energía / Tomas", "Power / Outlets"}, []text{{"4 tomas", "4 outlets"}, {"8 tomas", "8 outlets"}}}}},
	{top: topIndex("wty"), id: "wty.ext", desc: text{"Extensiones de Garantía", "Warranty Extensions"}, prefix: "WE",
		noun: text{"Extensión de garantía", "Warranty extension"}, brands: brandIndexes("hpe", "len", "del"), mix: mixWarranty,
		lines: []string{"Care Pack", "Premier", "ProSupport"}, price: [2]int64{30, 450}, selectBy: 1,
		specs: []spec{specYears, {text{"Servicio / Modalidad", "Service / Type"}, []text{{"En sitio", "On-site"}, {"Retorno a depósito", "Carry-in"}}}}},
}

// headerAttributes are the "Encabezamiento" keys every extended-catalog item carries.
var headerAttributes = [4]text{
	{"Encabezamiento / Marca", "Header / Brand"},
	{"Encabezamiento / Fabricante", "Header / Manufacturer"},
	{"Encabezamiento / Modelo", "Header / Model"},
	{"Encabezamiento / Línea de producto", "Header / Product Line"},
}

var productTypes = [...]string{iws.TypePhysical, iws.TypeLicense, iws.TypeDownloadable, iws.TypeWarranty}

const (
	typePhysical uint8 = iota
	typeLicense
	typeDownloadable
	typeWarranty
)

// esdSuffix is appended to the description of software products, as Intcomex writes them.
var esdSuffix = [...]text{
	typeLicense:      {" - licencia", " - license"},
	typeDownloadable: {" - descarga - ESD", " - download - ESD"},
}
